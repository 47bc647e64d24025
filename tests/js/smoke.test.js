import { init, torch } from '../../js/index.js';
test('loads', async () => {
  const b = await init({ threads: 2 });
  expect(b.build).toBe('simd-threads');
  const F = torch.nn.functional;
  expect(F.adaptive_avg_pool1d(torch.tensor([[[1, 2, 3, 4, 5]]]), 3).tolist()).toEqual([[[1.5, 3, 4.5]]]);
  const big = torch.randn(8, 256, 1024);
  expect(F.adaptive_avg_pool1d(big, 10).shape).toEqual([8, 256, 10]);
});
