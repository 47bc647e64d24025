// Lean calls: an op leaves about one output Tensor's worth of JS garbage
// behind (its plan is cached by shape and options, its kernel block reused),
// so 100,000 small mixed ops with dispose() grow the process by little more
// than a plain JS loop does. Measured in a child process, where Jest's own
// allocations do not count. Needs node --expose-gc (npm test gives it).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(threads) {
  const out = execFileSync('node', ['--expose-gc', join(root, 'tests/js/scripts/lean_calls.mjs'), String(threads)],
    { cwd: root, timeout: 120000 });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

test.each([2, 1])('100,000 small mixed ops with dispose() grow RSS by < 16 MiB (%i threads)', (threads) => {
  const r = run(threads);
  expect(r.tensorsAfter).toBe(r.tensorsBefore);
  expect(r.heapAfter).toBe(r.heapBefore);
  expect(r.rssGrowth).toBeLessThan(16 * 2 ** 20);
});
