// init() drops nothing silently: unknown or ill-typed options are refused,
// and a later init() whose options ask for another build than the one
// loaded rejects, naming what was asked, what is loaded and why.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backend, init, torch } from '../../js/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Runs in order: the first test makes the first (failing) init of this file.
test('an unknown option is refused, not ignored, and a retry loads', async () => {
  await expect(init({ thread: 1 })).rejects.toThrow(
    'init: unknown option "thread" (the options are threads, simd, wasmDir, wasmBinary)');
  await expect(init({ simd: 'no' })).rejects.toThrow(TypeError);
  await expect(init({ simd: 'no' })).rejects.toThrow('init: simd must be true or false (or left unset to detect), got "no"');
  await expect(init([])).rejects.toThrow('init: options must be an object, got an array');
  expect(() => backend()).toThrow(/await init\(\)/);
  const info = await init({ threads: 1 });
  expect(info.build).toBe('simd');
});

test('init() with no options, or the same options, gives the loaded build', async () => {
  const again = init();
  expect(init()).toBe(again);
  expect((await again).build).toBe('simd');
  expect((await init({ threads: 1 })).build).toBe('simd');
  expect((await init({ simd: true, threads: 1 })).build).toBe('simd');
  // Where the files come from matters only to the first load.
  expect((await init({ wasmDir: '/nowhere' })).build).toBe('simd');
});

test('simd: false after threads: 1 rejects, naming both builds and why', async () => {
  await expect(init({ simd: false })).rejects.toThrow(
    'init: init({ simd: false }) asks for the baseline build with 1 thread, but the simd build with 1 thread ' +
    'is already loaded by the first init({ threads: 1 }) (threads: 1 was asked for); a process holds one nnwasm ' +
    'module and its build cannot change after loading, so the later options cannot apply; call init() without ' +
    'options to use the loaded build, or load the other build in a new process or worker');
});

test('more threads than loaded rejects; the module keeps working', async () => {
  await expect(init({ threads: 2 })).rejects.toThrow(
    /^init: init\(\{ threads: 2 \}\) asks for the simd-threads build with 2 threads, but the simd build with 1 thread is already loaded/);
  await expect(init({ threads: 0 })).rejects.toThrow("init: threads must be 'auto' or an integer >= 1, got 0");
  expect(backend().build).toBe('simd');
  expect(torch.nn.functional.avg_pool1d([[[1, 2, 3, 4]]], 2).tolist()).toEqual([[[1.5, 3.5]]]);
});

test('fewer threads than loaded rejects and points to set_num_threads', () => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', `import { init, backend } from './js/index.js';
    await init({ threads: 2 });
    const r = {};
    try { await init({ threads: 1 }); } catch (e) { r.fewer = e.message; }
    try { await init({ simd: false, threads: 2 }); } catch (e) { r.baseline = e.message; }
    r.build = backend().build;
    console.log(JSON.stringify(r));`], { cwd: root, timeout: 30000 });
  const r = JSON.parse(out.toString().trim().split('\n').pop());
  expect(r.fewer).toMatch(/^init: init\(\{ threads: 1 \}\) asks for the simd build with 1 thread, but the simd-threads build with 2 threads is already loaded by the first init\(\{ threads: 2 \}\) \(SharedArrayBuffer available, 2 threads\);/);
  expect(r.fewer).toMatch(/call torch\.set_num_threads\(1\) to run ops on fewer threads$/);
  expect(r.baseline).toMatch(/^init: init\(\{ threads: 2, simd: false \}\) asks for the baseline build with 1 thread/);
  expect(r.build).toBe('simd-threads');
});
