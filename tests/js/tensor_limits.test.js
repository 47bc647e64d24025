// Tensors at the edges: every Tensor method names itself when the tensor
// was disposed; one tensor larger than 2 GiB, and ops on tensors placed
// above 2 GiB, in both the threaded and the single-thread build;
// set_num_threads says once when the loaded build cannot give the threads.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, torch } from '../../js/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function child(args, code = null) {
  const argv = code === null ? args : ['--input-type=module', '-e', code, ...args];
  const out = execFileSync('node', argv, { cwd: root, timeout: 120000 });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

beforeAll(() => init({ threads: 2 }));

describe('a disposed tensor: the Error names the method called', () => {
  const uses = [
    ['Tensor.data', (t) => t.data],
    ['Tensor.dataSync', (t) => t.dataSync()],
    ['Tensor.tolist', (t) => t.tolist()],
    ['Tensor.shape', (t) => t.shape],
    ['Tensor.ndim', (t) => t.ndim],
    ['Tensor.numel', (t) => t.numel()],
    ['Tensor.size', (t) => t.size()],
    ['Tensor.reshape', (t) => t.reshape(6)],
    ['Tensor.view', (t) => t.view(6)],
    ['Tensor.permute', (t) => t.permute(1, 0)],
    ['Tensor.clone', (t) => t.clone()],
    ['Tensor.ptr', (t) => t.ptr],
  ];
  test.each(uses)('%s', (name, use) => {
    const t = torch.zeros(2, 3);
    t.dispose();
    expect(() => use(t)).toThrow(`${name}: this tensor was disposed; it cannot be used any more`);
    expect(t.toString()).toBe('Tensor(disposed)');
    expect(t.isDisposed).toBe(true);
  });
});

test.each([[2, 'simd-threads'], [1, 'simd']])('a 2.2 GiB tensor, and ops on tensors above 2 GiB (%i threads: %s)', (threads, build) => {
  const r = child([join(root, 'tests/js/scripts/high_tensors.mjs'), String(threads)]);
  expect(r.build).toBe(build);
  expect(r.single).toBe('ok');
  expect(r.above2GiB).toBe(true);
  expect(r.maxPool).toEqual([[[[5, 8], [3, 9]]], [[[1, 3], [0, 2]]]]);
  expect(r.avgPool).toEqual([[[3, 5], [3, 4.5]]]);
  expect(r.adaptive).toEqual([[[4], [3.75]]]);
  expect(r.global).toEqual([[8, 9]]);
  // out[t] = x0[t] + x0[t+1] + x1[t+1] + 0.5
  expect(r.conv).toEqual([[[9.5, 16.5, 10.5]]]);
  expect(r.depthwise).toEqual([[[-4, 3, -6], [6, 6, 18]]]);
});

test('set_num_threads on a build without threads warns once, naming what was asked, what loaded and why', () => {
  const r = child([], `import { init, torch } from './js/index.js';
    const warnings = [];
    console.warn = (m) => warnings.push(String(m));
    await init({ threads: 1 });
    torch.set_num_threads(2);
    torch.set_num_threads(4);
    console.log(JSON.stringify({ warnings, threads: torch.get_num_threads() }));`);
  expect(r.threads).toBe(1);
  expect(r.warnings).toEqual([
    "torch.set_num_threads(2): the loaded build 'simd' has no threads (threads: 1 was asked for); running on 1 thread",
  ]);
});

test('set_num_threads past the threads started warns once; within them it is silent', () => {
  const r = child([], `import { init, torch } from './js/index.js';
    const warnings = [];
    console.warn = (m) => warnings.push(String(m));
    await init({ threads: 2 });
    torch.set_num_threads(1);
    torch.set_num_threads(2);
    torch.set_num_threads(3);
    torch.set_num_threads(8);
    console.log(JSON.stringify({ warnings, threads: torch.get_num_threads() }));`);
  expect(r.threads).toBe(2);
  expect(r.warnings).toEqual([
    "torch.set_num_threads(3): the loaded build 'simd-threads' started 2 threads at init() (SharedArrayBuffer available, 2 threads); running on 2 threads",
  ]);
});
