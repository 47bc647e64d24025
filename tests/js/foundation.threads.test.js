// Builds and threads: which build loads and why, 1 vs 2 threads identical,
// Node processes exit on their own, CommonJS and ES module entry points.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, init, keras, torch } from '../../js/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const F = torch.nn.functional;

beforeAll(() => init({ threads: 2 }));

// Runs a small ES module script in a fresh Node process; returns its JSON.
function inChild(code, args = []) {
  const out = execFileSync('node', [...args, '--input-type=module', '-e', code], { cwd: root, timeout: 30000 });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

test('Node with 2 threads loads simd-threads', () => {
  const b = backend();
  expect(b.build).toBe('simd-threads');
  expect(b.simd).toBe(true);
  expect(b.threads).toBe(2);
  expect(torch.get_num_threads()).toBe(2);
});

test('results are identical at 1 and 2 threads', () => {
  const x = torch.randn(16, 256, 300);
  const cl = torch.randn(16, 300, 200);
  const gap = new keras.layers.GlobalAveragePooling1D();
  const run = () => [F.adaptive_avg_pool1d(x, 7).data, F.adaptive_avg_pool1d(x, 1).data, gap.apply(cl).data,
    gap.apply(cl, { mask: torch.ones(16, 300) }).data];
  torch.set_num_threads(2);
  const two = run();
  torch.set_num_threads(1);
  expect(torch.get_num_threads()).toBe(1);
  const one = run();
  torch.set_num_threads(2);
  for (let i = 0; i < two.length; i++) expect(Buffer.from(two[i].buffer).equals(Buffer.from(one[i].buffer))).toBe(true);
});

test('set_num_threads checks its argument and clamps to the workers started', () => {
  expect(() => torch.set_num_threads(0)).toThrow('set_num_threads: n must be an integer >= 1, got 0');
  torch.set_num_threads(64);
  expect(torch.get_num_threads()).toBe(2);
});

test('init({ threads: 1 }) loads simd and says why', () => {
  const b = inChild(`import { init } from './js/index.js'; console.log(JSON.stringify(await init({ threads: 1 })));`);
  expect(b.build).toBe('simd');
  expect(b.threads).toBe(1);
  expect(b.reason).toMatch(/threads: 1/);
});

test('without SharedArrayBuffer the simd build loads', () => {
  const b = inChild(`delete globalThis.SharedArrayBuffer; const { init } = await import('./js/index.js');
    console.log(JSON.stringify(await init({ threads: 2 })));`);
  expect(b.build).toBe('simd');
  expect(b.reason).toMatch(/SharedArrayBuffer/);
});

test('simd: false loads the baseline build with the same results', () => {
  const r = inChild(`import { init, torch } from './js/index.js'; const b = await init({ simd: false });
    console.log(JSON.stringify({ b, y: torch.nn.functional.adaptive_avg_pool1d([[[1, 2, 3, 4, 5]]], 3).tolist() }));`);
  expect(r.b.build).toBe('baseline');
  expect(r.y).toEqual([[[1.5, 3, 4.5]]]);
});

test('a Node process with worker threads exits on its own', () => {
  const started = Date.now();
  const r = inChild(`import { init, torch } from './js/index.js'; await init({ threads: 2 });
    const y = torch.nn.functional.adaptive_avg_pool1d(torch.randn(32, 256, 1024), 1);
    console.log(JSON.stringify({ shape: y.shape }));`);
  expect(r.shape).toEqual([32, 256, 1]);
  expect(Date.now() - started).toBeLessThan(15000);
});

test('require(\'nnwasm\') gives the same API from CommonJS', () => {
  const out = execFileSync('node', ['-e', `const nn = require('nnwasm');
    nn.init({ threads: 2 }).then((b) => console.log(JSON.stringify({ b, keys: Object.keys(nn).sort(),
      y: nn.torch.nn.functional.adaptive_avg_pool1d([[[1, 3]]], 1).tolist() })));`], { cwd: root, timeout: 30000 });
  const r = JSON.parse(out.toString());
  expect(r.b.build).toBe('simd-threads');
  expect(r.y).toEqual([[[2]]]);
  expect(r.keys).toEqual(expect.arrayContaining(['Tensor', 'backend', 'init', 'keras', 'torch']));
});

test('init refuses bad options clearly', async () => {
  const { chooseBuild } = await import('../../js/loader.js');
  await expect(chooseBuild({ threads: 0 })).rejects.toThrow("init: threads must be 'auto' or an integer >= 1, got 0");
  await expect(chooseBuild({ threads: 'many' })).rejects.toThrow(TypeError);
});

test('a .wasm that is not WebAssembly (HTML from a server) is named in the error', () => {
  const r = inChild(`import { init } from './js/index.js';
    try { await init({ wasmBinary: new TextEncoder().encode('<!doctype html>'), threads: 1 }); console.log('{}'); }
    catch (e) { console.log(JSON.stringify({ message: e.message })); }`);
  expect(r.message).toMatch(/is not a WebAssembly file \(expected magic bytes 00 61 73 6d, got 3c 21 64 6f\)/);
});
