// import 'nnwasm' and require('nnwasm') in one Node process are one instance:
// the same objects, one init(), one heap, tensors accepted across them. Each
// case runs in a fresh process of the Node running Jest, resolving 'nnwasm'
// through package.json's exports as an installed package would.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function inChild(args) {
  const out = execFileSync(process.execPath, args, { cwd: root, timeout: 30000 });
  return JSON.parse(out.toString().trim().split('\n').pop());
}
const esmChild = (code) => inChild(['--input-type=module', '-e', code]);
const cjsChild = (code) => inChild(['-e', code]);

// Shared by both orders: `a` made the tensor and ran init, `b` runs the ops.
const CHECKS = `
  const sameObjects = ['init', 'backend', 'torch', 'keras', 'Tensor'].filter((k) => a[k] !== b[k]);
  let beforeInit;
  try { b.torch.zeros(1); } catch (e) { beforeInit = e.message; }
  const info = await a.init({ threads: 1 });
  const x = a.torch.tensor([[[1, 2, 3, 4]]]);
  const r = {
    differing: sameObjects,
    defaultSame: a.default === b.default && a.default.torch === a.torch,
    beforeInit,
    build: info.build,
    otherBackend: b.backend().build,
    samePromise: b.init() === a.init(),
    instanceOfOther: x instanceof b.Tensor,
    avg: b.torch.nn.functional.avg_pool1d(x, 2).tolist(),
    module: new b.torch.nn.MaxPool1d(2).forward(x).tolist(),
    layer: new b.keras.layers.GlobalAveragePooling1D().apply(a.torch.tensor([[[1, 2], [3, 4]]])).tolist(),
    tensors: [a.backend().memory.tensors, b.backend().memory.tensors],
  };
  console.log(JSON.stringify(r));`;

function expectOneInstance(r) {
  expect(r.differing).toEqual([]);
  expect(r.defaultSame).toBe(true);
  expect(r.beforeInit).toMatch(/await init\(\)/);
  expect(r.build).toBe('simd');
  expect(r.otherBackend).toBe('simd');  // loaded by the other entry's init
  expect(r.samePromise).toBe(true);
  expect(r.instanceOfOther).toBe(true);
  expect(r.avg).toEqual([[[1.5, 3.5]]]);
  expect(r.module).toEqual([[[2, 4]]]);
  expect(r.layer).toEqual([[2, 3]]);
  expect(r.tensors[0]).toBe(r.tensors[1]);
}

test('ES module first: import, then require() from the same process', () => {
  expectOneInstance(esmChild(`import { createRequire } from 'node:module';
    import * as a from 'nnwasm';
    const b = createRequire(import.meta.url)('nnwasm');
    ${CHECKS}`));
});

test('CommonJS first: require(), then import() from the same process', () => {
  expectOneInstance(cjsChild(`(async () => {
    const a = require('nnwasm');
    const b = await import('nnwasm');
    ${CHECKS}
  })();`));
});

test('the tensor of one entry is refused by neither: an op error names the real problem', () => {
  const r = esmChild(`import { createRequire } from 'node:module';
    import { init, torch } from 'nnwasm';
    const cjs = createRequire(import.meta.url)('nnwasm');
    await init({ threads: 1 });
    let message;
    try { cjs.torch.nn.functional.avg_pool1d(torch.zeros(4), 2); } catch (e) { message = e.message; }
    console.log(JSON.stringify({ message }));`);
  expect(r.message).toMatch(/^avg_pool1d: input must have 2 or 3 dimensions/);
  expect(r.message).not.toMatch(/must be a Tensor/);
});

test('package.json: Node import and require share the CommonJS core; browsers and bundlers get js/index.js', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entry = pkg.exports['.'];
  expect(entry.node).toEqual({ import: './dist/nnwasm.node.mjs', require: './dist/nnwasm.cjs' });
  expect(entry.browser).toBe('./js/index.js');
  expect(entry.default).toBe('./js/index.js');
  const wrapper = readFileSync(join(root, 'dist', 'nnwasm.node.mjs'), 'utf8');
  expect(wrapper).toMatch(/^import nnwasm from '\.\/nnwasm\.cjs';$/m);
});
