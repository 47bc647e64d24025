// examples/worker/ in Chromium, with and without cross-origin isolation:
// nnwasm runs in a module Web Worker (its thread pool inside the worker),
// every call's output equals a documented value or a plain float64
// reference on the same input, an error in the worker comes back as a
// rejected promise, and the main thread never gets Emscripten's
// "Blocking on the main thread" warning.
import { startServer } from '../../demo/serve.mjs';
import { assert, firstMismatch, watchedPage } from './harness.mjs';

// Plain references on the page's own inputs (float64, PyTorch's arithmetic).
function adaptiveAvgPool1d({ data, shape: [n, c, l] }, out) {
  const y = new Float64Array(n * c * out);
  for (let p = 0; p < n * c; p++) {
    for (let o = 0; o < out; o++) {
      const a = Math.floor((o * l) / out);
      const b = Math.ceil(((o + 1) * l) / out);
      let s = 0;
      for (let i = a; i < b; i++) s += data[p * l + i];
      y[p * out + o] = s / (b - a);
    }
  }
  return { shape: [n, c, out], data: y };
}

function conv2dPad1({ data, shape: [n, ci, h, w] }, { data: wt, shape: [co, , kh, kw] }) {
  const y = new Float64Array(n * co * h * w);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < co; o++) {
      for (let yy = 0; yy < h; yy++) {
        for (let xx = 0; xx < w; xx++) {
          let s = 0;
          for (let c = 0; c < ci; c++) {
            for (let dy = 0; dy < kh; dy++) {
              const iy = yy + dy - 1;
              if (iy < 0 || iy >= h) continue;
              for (let dx = 0; dx < kw; dx++) {
                const ix = xx + dx - 1;
                if (ix < 0 || ix >= w) continue;
                s += data[((b * ci + c) * h + iy) * w + ix] * wt[((o * ci + c) * kh + dy) * kw + dx];
              }
            }
          }
          y[((b * co + o) * h + yy) * w + xx] = s;
        }
      }
    }
  }
  return { shape: [n, co, h, w], data: y };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function checkClose(label, got, want, rtol, atol) {
  assert(same(got.shape, want.shape), `${label}: shape [${got.shape}], expected [${want.shape}]`);
  const bad = firstMismatch(got.data, want.data, rtol, atol);
  assert(bad < 0, `${label}: value ${bad} is ${got.data[bad]}, expected ${want.data[bad]}`);
}

export async function run(suite, { context }) {
  for (const isolation of [true, false]) {
    const mode = isolation ? 'isolated (COOP/COEP)' : 'not isolated';
    const wantBuild = isolation ? 'simd-threads' : 'simd';
    console.log(`worker example, ${mode}:`);
    const server = await startServer({ port: 0, isolation });
    const { page, problems } = await watchedPage(context);
    const warnings = [];
    page.on('console', (m) => warnings.push(`${m.type()}: ${m.text()}`));
    try {
      await page.goto(`${server.url}/examples/worker/`);
      await page.waitForFunction(() => window.workerExample?.done || window.workerExample?.error, null, { timeout: 60000 });
      const r = await page.evaluate(() => {
        const plain = (t) => ({ shape: t.shape, data: Array.from(t.data) });
        const out = (o) => (Array.isArray(o) ? o.map(plain) : plain(o));
        const s = window.workerExample;
        return {
          error: s.error, info: s.info, workerError: s.workerError, afterError: s.afterError && plain(s.afterError),
          pageIsolated: globalThis.crossOriginIsolated,
          calls: s.calls.map((c) => ({ fn: c.fn, input: plain(c.input), args: c.args.map((a) => (a?.data ? plain(a) : a)), output: out(c.output) })),
        };
      });

      await suite.test(`${mode}: the worker loads ${wantBuild} (${isolation ? 'its thread pool inside the worker' : 'one thread'})`, async () => {
        assert(!r.error, `the page failed: ${r.error}`);
        assert(r.info.build === wantBuild, `worker loaded ${r.info.build} (${r.info.reason})`);
        assert(r.info.crossOriginIsolated === isolation && r.pageIsolated === isolation, `crossOriginIsolated: worker ${r.info.crossOriginIsolated}, page ${r.pageIsolated}`);
        if (isolation) assert(r.info.threads >= 2, `expected >= 2 threads, got ${r.info.threads}`);
        else assert(r.info.threads === 1, `expected 1 thread, got ${r.info.threads}`);
        assert(problems.length === 0, `problems:\n${problems.join('\n')}`);
      });

      await suite.test(`${mode}: documented results come back from the worker`, async () => {
        const [a, b, c] = r.calls;
        assert(same(a.output, { shape: [1, 1, 2], data: [1.5, 3.5] }), `adaptive_avg_pool1d: ${JSON.stringify(a.output)}`);
        assert(same(b.output, { shape: [1, 1, 3], data: [2, 4, 6] }), `avg_pool1d (PyTorch docs: [2, 4, 6]): ${JSON.stringify(b.output)}`);
        assert(same(c.output, [{ shape: [1, 1, 2, 2], data: [5, 7, 13, 15] }, { shape: [1, 1, 2, 2], data: [5, 7, 13, 15] }]),
          `max_pool2d with indices: ${JSON.stringify(c.output)}`);
      });

      await suite.test(`${mode}: seeded adaptive_avg_pool1d (4, 64, 2048) in the worker equals a float64 reference`, async () => {
        const call = r.calls[3];
        checkClose('adaptive_avg_pool1d', call.output, adaptiveAvgPool1d(call.input, call.args[0]), 1e-5, 1e-6);
      });

      await suite.test(`${mode}: seeded conv2d (1, 8, 64, 64) * (16, 8, 3, 3) pad 1 in the worker equals a float64 reference`, async () => {
        const call = r.calls[4];
        assert(call.args[1] === null && call.args[2] === 1 && call.args[3] === 1, `args ${JSON.stringify(call.args.slice(1))}`);
        checkClose('conv2d', call.output, conv2dPad1(call.input, call.args[0]), 1e-4, 1e-5);
      });

      await suite.test(`${mode}: a bad call rejects with the op's message and the worker keeps working`, async () => {
        assert(/adaptive_avg_pool1d: input must have 2 or 3 dimensions.*got shape \[4\]/.test(r.workerError ?? ''), `error: ${r.workerError}`);
        assert(same(r.afterError, { shape: [1, 1, 1], data: [2.5] }), `after the error: ${JSON.stringify(r.afterError)}`);
      });

      await suite.test(`${mode}: no "Blocking on the main thread" warning`, async () => {
        const blocking = warnings.filter((w) => /blocking on the main thread/i.test(w));
        assert(blocking.length === 0, blocking.join('\n'));
      });
    } finally {
      await page.close();
      await server.close();
    }
  }
}
