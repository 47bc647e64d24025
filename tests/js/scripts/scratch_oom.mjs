// A kernel whose scratch does not fit in the heap: max_pool2d with
// return_indices over one 300,000,000-wide row (the case). Run in a
// child process (it fills most of the 4 GiB heap). Prints one JSON line.
import { init, torch } from '../../../js/index.js';

const threads = Number(process.argv[2] ?? 2);
await init({ threads });
const F = torch.nn.functional;
const result = { threads };
const x = torch.zeros(1, 1, 1, 300000000);
try {
  const [y, i] = F.max_pool2d(x, [1, 2], { return_indices: true });
  result.ran = true;
  y.dispose();
  i.dispose();
} catch (e) {
  result.error = String(e.message);
  result.errorType = e.constructor.name;
}
x.dispose();
// The module is still usable: a normal op gives its documented value.
const small = F.max_pool2d(torch.tensor([[[[1, 5, 3, 4]]]]), [1, 2], { return_indices: true });
result.after = [small[0].tolist(), small[1].tolist()];
console.log(JSON.stringify(result));
