// Tensor: creation, shape queries, copies out, views, dispose, heap growth.
import { backend, init, Tensor, torch } from '../../js/index.js';

beforeAll(() => init({ threads: 2 }));

test('creation functions and shape queries', () => {
  const t = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  expect(t).toBeInstanceOf(Tensor);
  expect(t.shape).toEqual([2, 3]);
  expect(t.ndim).toBe(2);
  expect(t.dtype).toBe('float32');
  expect(t.numel()).toBe(6);
  expect(t.size()).toEqual([2, 3]);
  expect(t.size(1)).toBe(3);
  expect(t.size(-2)).toBe(2);
  expect(torch.tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).tolist()).toEqual([[1, 2], [3, 4]]);
  expect(torch.tensor([1, 2, 3, 4], [2, 2]).tolist()).toEqual([[1, 2], [3, 4]]);
  expect(torch.zeros(2, 3).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  expect(torch.ones([2]).tolist()).toEqual([1, 1]);
  expect(torch.arange(4).tolist()).toEqual([0, 1, 2, 3]);
  expect(torch.zeros(0, 3).numel()).toBe(0);
  const r = torch.rand(1000).data;
  expect(Math.min(...r)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...r)).toBeLessThan(1);
  const n = torch.randn(20000).data;
  const mean = n.reduce((a, b) => a + b, 0) / n.length;
  const std = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
  expect(Math.abs(mean)).toBeLessThan(0.05);
  expect(Math.abs(std - 1)).toBeLessThan(0.05);
});

test('manual_seed makes rand and randn reproducible', () => {
  torch.manual_seed(7);
  const a = torch.randn(5).data;
  torch.manual_seed(7);
  expect(torch.randn(5).data).toEqual(a);
});

test('data is the caller\'s own copy', () => {
  const t = torch.tensor([1, 2, 3]);
  const d = t.data;
  d[0] = 99;
  expect(t.data[0]).toBe(1);
  expect(d.buffer).not.toBe(t.data.buffer);
});

test('reshape (with -1) shares values; permute reorders them', () => {
  const t = torch.arange(6);
  const r = t.reshape(2, -1);
  expect(r.shape).toEqual([2, 3]);
  expect(r.reshape([3, 2]).tolist()).toEqual([[0, 1], [2, 3], [4, 5]]);
  expect(r.permute(1, 0).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
  const x = torch.arange(24).reshape(2, 3, 4);
  const p = x.permute([2, 0, 1]);
  expect(p.shape).toEqual([4, 2, 3]);
  expect(p.tolist()[3][1][2]).toBe(x.tolist()[1][2][3]);
  expect(() => t.reshape(4, -1)).toThrow('Tensor.reshape: shape [4, -1] is invalid for input of size 6');
  expect(() => r.permute(0, 0)).toThrow('Tensor.permute: dims must be a permutation of [0..1] for shape [2, 3], got [0, 0]');
  // A view stays valid after the tensor it came from is disposed.
  t.dispose();
  expect(r.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
});

test('dispose frees now; use after dispose throws; dispose twice is harmless', () => {
  const before = backend().memory.tensors;
  const t = torch.ones(3);
  expect(backend().memory.tensors).toBe(before + 1);
  t.dispose();
  t.dispose();
  expect(backend().memory.tensors).toBe(before);
  expect(t.isDisposed).toBe(true);
  expect(() => t.data).toThrow('Tensor.data: this tensor was disposed');
  expect(() => t.shape).toThrow('disposed');
  expect(() => t.reshape(3)).toThrow('disposed');
  expect(() => torch.nn.functional.adaptive_avg_pool1d(t, 1)).toThrow('adaptive_avg_pool1d: input was disposed');
});

test('heap growth never leaves a stale view: old tensors keep their values', () => {
  const small = torch.tensor([1, 2, 3]);
  const heap = backend().memory.heapBytes;
  const big = torch.zeros(64 * 1024 * 1024 / 4 + heap / 4);  // forces the heap to grow
  expect(backend().memory.heapBytes).toBeGreaterThan(heap);
  expect(small.tolist()).toEqual([1, 2, 3]);
  const y = torch.nn.functional.adaptive_avg_pool1d(small.reshape(1, 3), 1);
  expect(y.tolist()).toEqual([[2]]);
  big.dispose();
});

test('an allocation that cannot fit throws and the module stays usable', () => {
  expect(() => torch.zeros(2 ** 31)).toThrow('zeros: cannot allocate a tensor of shape [2147483648]');
  expect(() => torch.zeros(40000, 40000)).toThrow(/zeros: cannot allocate/);
  expect(torch.ones(2).tolist()).toEqual([1, 1]);
});

test('bad creation arguments are clear errors', () => {
  expect(() => torch.tensor('abc')).toThrow(TypeError);
  expect(() => torch.tensor([1, 2, 3], [2, 2])).toThrow('tensor: got 3 values for shape [2, 2], which holds 4');
  expect(() => torch.zeros(-1)).toThrow('zeros: shape must be an array of non-negative integers, got [-1]');
  expect(() => torch.tensor([[1], ['a']])).toThrow(TypeError);
});
