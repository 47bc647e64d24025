// A kernel whose scratch memory does not fit in the heap gives a clear Error
// naming the op and the bytes (no abort, no RuntimeError), and the module
// keeps working: max_pool2d with return_indices over one 300,000,000-wide
// row, in both builds. In a child process: it fills most of the 4 GiB heap.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test.each([2, 1])('scratch past the heap: a clear Error, then a normal op (%i threads)', (threads) => {
  const out = execFileSync('node', [join(root, 'tests/js/scripts/scratch_oom.mjs'), String(threads)],
    { cwd: root, timeout: 120000 });
  const r = JSON.parse(out.toString().trim().split('\n').pop());
  expect(r.ran).toBeUndefined();
  expect(r.errorType).toBe('Error');
  expect(r.error).toMatch(/^max_pool2d: cannot allocate \d+ bytes of scratch memory in the WebAssembly heap$/);
  expect(Number(r.error.match(/(\d+) bytes/)[1])).toBeGreaterThan(2 ** 30);
  expect(r.after).toEqual([[[[[5, 4]]]], [[[[1, 3]]]]]);
});
