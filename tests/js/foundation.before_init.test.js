// Before init() resolves every op and tensor creation says to await init().
import { backend, keras, torch } from '../../js/index.js';

test.each([
  ['torch.zeros', () => torch.zeros(2)],
  ['adaptive_avg_pool1d', () => torch.nn.functional.adaptive_avg_pool1d([[[1, 2]]], 1)],
  ['GlobalAveragePooling1D', () => new keras.layers.GlobalAveragePooling1D().apply([[[1]]])],
  ['backend', () => backend()],
  ['set_num_threads', () => torch.set_num_threads(1)],
])('%s throws before init', (name, call) => {
  expect(call).toThrow('`await init()` before calling ops or creating tensors');
});
