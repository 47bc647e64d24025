// The demo's nnwasm, in a module Web Worker: the page (demo.js) sends
// inputs and draws what comes back, so nnwasm's thread pool never blocks the
// page's main thread (Emscripten warns "Blocking on the main thread is very
// dangerous" when a threaded build runs there) and the page stays
// responsive during the benchmark. Same protocol as examples/worker/:
// { id, type, ... } in, { id, result } or { id, error } out; `id` is the
// request's number, so no request field may be called that.
import { backend, init, keras, torch } from '../js/index.js';
import { CASES, loadTfjs, timeIt } from './bench-cases.js';
import { has, OPS, smallCnn } from './ops.js';

const nn = { torch, keras };
let ready = null;

const plain = (t) => ({ shape: t.shape, data: t.data });

const HANDLERS = {
  async init() {
    ready ??= init();
    const info = await ready;
    return { info, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },

  // One op of demo/ops.js on { shape, data } -> { available, output, ms } or
  // { available: false, missing } when this build lacks what it needs.
  run({ op, input }) {
    const missing = OPS[op].needs.filter((path) => !has(nn, [path]));
    if (missing.length) return { available: false, missing };
    const x = torch.tensor(input.data, input.shape);
    try {
      const t0 = performance.now();
      const y = OPS[op].run(nn, x);
      const ms = performance.now() - t0;
      const output = plain(y);
      y.dispose();
      return { available: true, output, ms };
    } finally {
      x.dispose();
    }
  },

  summary({ shape }) {
    return smallCnn(nn, shape).summary();
  },

  cases() {
    return CASES.map((c) => ({ id: c.id, title: c.title, available: has(nn, c.needs) }));
  },

  backend() {
    return backend();
  },

  // Times one case with one library -> median ms.
  async bench({ lib, caseId }) {
    const c = CASES.find((k) => k.id === caseId);
    const setup = lib === 'nnwasm' ? c.nnwasm(nn) : c.tfjs(await loadTfjs(backend().maxThreads ?? backend().threads));
    try {
      return await timeIt(setup.run);
    } finally {
      setup.dispose();
    }
  },
};

const transfer = (r) => (r?.output?.data instanceof Float32Array ? [r.output.data.buffer] : []);

self.onmessage = async ({ data: msg }) => {
  try {
    if (msg.type !== 'init') await ready;
    const result = await HANDLERS[msg.type](msg);
    self.postMessage({ id: msg.id, result }, transfer(result));
  } catch (e) {
    self.postMessage({ id: msg.id, error: e?.message ?? String(e), stack: e?.stack });
  }
};
