// torch.nn.functional pooling: PyTorch's argument forms, mapped onto js/ops/.
import { adaptiveAvgPool1d } from '../../ops/adaptive_pool.js';
import { parseArgs, REQUIRED } from '../args.js';

export function adaptive_avg_pool1d(...args) {
  const where = 'adaptive_avg_pool1d';
  const a = parseArgs(where, args, [['input', REQUIRED], ['output_size', REQUIRED]]);
  return adaptiveAvgPool1d(where, a.input, a.output_size);
}
