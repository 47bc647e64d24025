// The demo page in Chromium, served as `npm start` serves it, with and
// without cross-origin isolation: no console errors, the right build, every
// op the page computes (in its Web Worker) equal to Node's result on the
// same input, the benchmark panel with no main-thread blocking warning, a
// screenshot, and the page's transfer size.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServer } from '../../demo/serve.mjs';
import { OP_IDS, OPS } from '../../demo/ops.js';
import { init, keras, torch } from '../../js/index.js';
import { assert, firstMismatch, watchedPage } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'tests', 'e2e', 'artifacts');

async function openDemo(context, isolation) {
  const server = await startServer({ port: 0, isolation });
  const { page, problems } = await watchedPage(context);
  const loaded = [];
  const consoleLog = [];
  page.on('console', (m) => consoleLog.push(`${m.type()}: ${m.text()}`));
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.protocol === 'http:' && url.origin === server.url) loaded.push(url.pathname);
  });
  // What the page shows at its load event, which is when tools such as
  // `chromium --headless --screenshot` take their picture.
  await page.addInitScript(() => addEventListener('load', () => {
    window.atLoadEvent = {
      build: document.getElementById('build')?.textContent ?? null,
      imageCanvases: document.querySelectorAll('#image-panels canvas').length,
      signalCanvases: document.querySelectorAll('#signal-panels canvas').length,
    };
  }));
  await page.goto(`${server.url}/demo/`);
  await page.waitForFunction(() => window.nnwasmDemo?.done || window.nnwasmDemo?.error, null, { timeout: 60000 });
  const error = await page.evaluate(() => window.nnwasmDemo.error);
  return { server, page, problems, loaded, consoleLog, error };
}

// The page's recorded input and output of one op, as plain arrays.
function pageResult(page, id) {
  return page.evaluate((opId) => {
    const r = window.nnwasmDemo.results[opId];
    if (!r) return null;
    if (!r.available) return { available: false };
    const plain = (t) => ({ shape: t.shape, data: Array.from(t.data) });
    return { available: true, input: plain(r.input), output: plain(r.output) };
  }, id);
}

function nodeRun(id, input) {
  const x = torch.tensor(Float32Array.from(input.data), input.shape);
  try {
    const y = OPS[id].run({ torch, keras }, x);
    const out = { shape: y.shape, data: y.data };
    y.dispose();
    return out;
  } finally {
    x.dispose();
  }
}

// Gzipped size of each file the page loaded from the repository.
function transferSizes(paths) {
  const files = [...new Set(paths)].filter((p) => !p.endsWith('/'));
  const rows = files.map((p) => {
    const bytes = readFileSync(join(root, decodeURIComponent(p)));
    return { path: p, bytes: bytes.length, gzip: gzipSync(bytes).length };
  });
  const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
  return { files: rows, bytes: sum('bytes') + readFileSync(join(root, 'demo', 'index.html')).length, gzip: sum('gzip') + gzipSync(readFileSync(join(root, 'demo', 'index.html'))).length };
}

// A mono 16-bit PCM WAV of a 440 Hz tone with a 3 Hz tremolo.
function wavFile(rate, seconds) {
  const n = Math.round(rate * seconds);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const v = Math.sin(2 * Math.PI * 440 * t) * (0.5 + 0.4 * Math.sin(2 * Math.PI * 3 * t));
    buf.writeInt16LE(Math.round(v * 32000), 44 + i * 2);
  }
  return buf;
}

export async function run(suite, { context, updateDocs }) {
  await init({ threads: 2 });
  const nodeNN = { torch, keras };
  mkdirSync(artifacts, { recursive: true });

  for (const isolation of [true, false]) {
    const mode = isolation ? 'isolated (COOP/COEP)' : 'not isolated';
    const wantBuild = isolation ? 'simd-threads' : 'simd';
    console.log(`demo page, ${mode}:`);
    const demo = await openDemo(context, isolation);
    const { page, problems } = demo;
    try {
      await suite.test(`${mode}: the page loads with no console errors and reports ${wantBuild}`, async () => {
        assert(demo.error === null, `the page failed: ${demo.error}`);
        assert(problems.length === 0, `problems:\n${problems.join('\n')}`);
        const shown = await page.textContent('#build');
        const info = await page.evaluate(() => window.nnwasmDemo.info);
        assert(info.build === wantBuild && shown === wantBuild, `expected ${wantBuild}, page says ${shown} (${info.reason})`);
        if (isolation) assert(info.threads >= 2, `expected >= 2 threads, got ${info.threads}`);
        else assert(info.threads === 1, `expected 1 thread, got ${info.threads}`);
        const noteVisible = await page.isVisible('#isolation-note');
        assert(noteVisible === !isolation, `the isolation note should be ${isolation ? 'hidden' : 'shown'}`);
        if (!isolation) {
          const note = await page.textContent('#isolation-note');
          assert(/not cross-origin isolated/.test(note) && /npm start/.test(note), `the note should say why: ${note}`);
        }
      });

      await suite.test(`${mode}: the first results are drawn by the load event (a headless --screenshot shows them)`, async () => {
        const atLoad = await page.evaluate(() => window.atLoadEvent);
        assert(atLoad, 'the load event did not fire');
        assert(atLoad.build === wantBuild, `at the load event the page showed build ${atLoad.build}`);
        assert(atLoad.imageCanvases >= 6 && atLoad.signalCanvases >= 3,
          `at the load event: ${atLoad.imageCanvases} image and ${atLoad.signalCanvases} signal canvases`);
      });

      // One comparison per op of the demo's table (demo/ops.js).
      for (const id of OP_IDS) {
        const name = `${mode}: ${OPS[id].title} (${id}) computed in the page equals Node's result`;
        await suite.test(name, async () => {
          const r = await pageResult(page, id);
          assert(r?.available, `the page did not compute ${id}`);
          const want = nodeRun(id, r.input);
          assert(JSON.stringify(r.output.shape) === JSON.stringify(want.shape),
            `shape: page [${r.output.shape}], Node [${want.shape}]`);
          const bad = firstMismatch(r.output.data, want.data);
          assert(bad < 0, `value ${bad}: page ${r.output.data[bad]}, Node ${want.data[bad]}`);
        });
      }

      if (isolation) {
        await suite.test(`${mode}: the benchmark panel runs, shows progress and draws its chart`, async () => {
          const before = await page.evaluate(() => document.getElementById('bench-chart').toDataURL());
          await page.click('#bench-run');
          await page.waitForFunction(() => document.getElementById('bench-progress').value > 0 ||
            window.nnwasmDemo.bench.done, null, { timeout: 30000 });
          await page.waitForFunction(() => window.nnwasmDemo.bench.done || window.nnwasmDemo.bench.error, null, { timeout: 120000 });
          const bench = await page.evaluate(() => window.nnwasmDemo.bench);
          assert(!bench.error, `benchmark error: ${bench.error}`);
          const timed = bench.rows.filter((r) => r.available);
          assert(timed.length > 0, 'no op was timed');
          for (const r of timed) {
            assert(r.nnwasm > 0, `${r.id}: no nnwasm time`);
            assert(r.tfjs > 0, `${r.id}: no TensorFlow.js time (${JSON.stringify(r.status)})`);
          }
          const status = await page.textContent('#bench-status');
          assert(/^done/.test(status), `status: ${status}`);
          const after = await page.evaluate(() => document.getElementById('bench-chart').toDataURL());
          assert(after !== before, 'the chart did not change');
          assert(problems.length === 0, `problems during the benchmark:\n${problems.join('\n')}`);
          // nnwasm and the benchmark run in the page's worker, so the threaded
          // build never waits on the main thread.
          const blocking = demo.consoleLog.filter((m) => /blocking on the main thread/i.test(m));
          assert(blocking.length === 0, `Emscripten warned on the main thread:\n${blocking.join('\n')}`);
          console.log(`      ${timed.map((r) => `${r.id}: nnwasm ${r.nnwasm.toFixed(3)} ms, tfjs ${r.tfjs.toFixed(3)} ms`).join('\n      ')}`);
        });

        await suite.test(`${mode}: the user's own picture and WAV file go through the same ops (page equals Node)`, async () => {
          await page.setInputFiles('#image-file', join(root, 'docs', 'demo.png'));
          await page.waitForFunction(() => window.nnwasmDemo.image?.shape?.[2] !== 128, null, { timeout: 30000 });
          await page.setInputFiles('#wav-file', { name: 'tone.wav', mimeType: 'audio/wav', buffer: wavFile(8000, 0.5) });
          await page.waitForFunction(() => window.nnwasmDemo.signal?.label === 'tone.wav', null, { timeout: 30000 });
          const shape = await page.evaluate(() => window.nnwasmDemo.image.shape);
          const signal = await page.evaluate(() => window.nnwasmDemo.signal);
          assert(Math.max(shape[1], shape[2]) === 256, `the picture should be scaled to 256 a side, got [${shape}]`);
          assert(signal.length === 4000, `0.5 s at 8 kHz should be 4000 samples, got ${signal.length}`);
          for (const id of OP_IDS) {
            const r = await pageResult(page, id);
            const want = nodeRun(id, r.input);
            const bad = firstMismatch(r.output.data, want.data);
            assert(bad < 0 && JSON.stringify(r.output.shape) === JSON.stringify(want.shape), `${id} differs at ${bad}`);
          }
          assert(problems.length === 0, `problems:\n${problems.join('\n')}`);
          await page.click('#image-reset');
          await page.click('#signal-reset');
          // The page runs the ops in its worker: wait until both panels are redrawn.
          await page.waitForFunction(() => window.nnwasmDemo.image?.shape?.[2] === 128 &&
            window.nnwasmDemo.signal?.label === 'generated chirp', null, { timeout: 30000 });
        });

        await suite.test(`${mode}: a screenshot of the page is saved`, async () => {
          await page.evaluate(() => { document.getElementById('summary-box').open = true; });
          const file = join(artifacts, 'demo.png');
          await page.screenshot({ path: file, fullPage: true });
          assert(readFileSync(file).length > 10000, 'the screenshot is suspiciously small');
          if (updateDocs) {
            mkdirSync(join(root, 'docs'), { recursive: true });
            copyFileSync(file, join(root, 'docs', 'demo.png'));
            console.log('      docs/demo.png updated');
          }
        });

        await suite.test(`${mode}: the page's transfer size (gzip) is measured`, async () => {
          const sizes = transferSizes(demo.loaded.filter((p) => !p.startsWith('/node_modules/')));
          writeFileSync(join(artifacts, 'demo-transfer.json'), JSON.stringify(sizes, null, 2));
          console.log(`      demo page: ${sizes.files.length + 1} files, ${(sizes.bytes / 1024).toFixed(1)} KB, ` +
            `${(sizes.gzip / 1024).toFixed(1)} KB gzipped (before the benchmark loads TensorFlow.js)`);
          assert(sizes.gzip < 400 * 1024, `the page transfers ${sizes.gzip} bytes gzipped`);
        });
      }
    } finally {
      await page.close();
      await demo.server.close();
    }
  }
}
