// The nnwasm demo page: runs an image and a 1D signal through the ops in
// ./ops.js and draws every result. nnwasm itself runs in a module Web Worker
// (./worker.js imports the package as an app would: an ES module, no build
// step), so its threads never block this page. window.nnwasmDemo holds what
// was computed (inputs and outputs), which the end-to-end tests compare with
// Node's.
import { setupBenchmark } from './bench.js';
import { setupModelPanel } from './model-panel.js';
import { OPS } from './ops.js';

const $ = (id) => document.getElementById(id);

// Tools that capture a page at its load event (`chromium --headless
// --screenshot`, link previews) would otherwise show only "Loading nnwasm…":
// the work starts after the module runs. An iframe whose document is opened
// and not yet closed delays the load event; it is closed once the first
// results are drawn, on an error, or after maxMs at the latest.
function holdLoadEvent(maxMs = 20000) {
  const frame = document.createElement('iframe');
  frame.hidden = true;
  document.body.append(frame);
  frame.contentDocument.open();
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    frame.contentDocument?.close();
    frame.remove();
  };
  setTimeout(release, maxMs);
  return release;
}
const releaseLoadEvent = holdLoadEvent();

// Requests to the worker, one promise each: { id, type, ... } ->
// { id, result } | { id, error }.
function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data: { id, result, error } }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(result);
  };
  worker.onerror = (e) => {
    const err = new Error(`the nnwasm worker failed: ${e.message ?? 'see the console'}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  return (type, fields = {}) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...fields, type, id });
  });
}
const call = startWorker();

const state = { info: null, results: {}, image: null, signal: null, bench: null, done: false, error: null };
window.nnwasmDemo = state;

// ---------------------------------------------------------------- drawing

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function viridis(t) {
  const x = Math.min(0.9999, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  return VIRIDIS[i].map((v, k) => v + (VIRIDIS[i + 1][k] - v) * f);
}

function canvasOf(w, h, cls = 'img') {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  c.className = cls;
  return c;
}

// NHWC data of one image: 3 channels as RGB in [0, 1]; any other count as
// channel `ch` mapped through a colour scale (each map scaled to its range).
function drawImage(canvas, data, h, w, c, { ch = null, scale = null } = {}) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  const px = img.data;
  if (ch === null && c === 3) {
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 3; k++) px[i * 4 + k] = Math.round(Math.min(1, Math.max(0, data[i * 3 + k])) * 255);
      px[i * 4 + 3] = 255;
    }
  } else {
    const k = ch ?? 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < h * w; i++) {
      const v = data[i * c + k];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const [a, b] = scale ?? [lo, hi];
    const span = b - a || 1;
    for (let i = 0; i < h * w; i++) {
      const rgb = viridis((data[i * c + k] - a) / span);
      px[i * 4] = rgb[0];
      px[i * 4 + 1] = rgb[1];
      px[i * 4 + 2] = rgb[2];
      px[i * 4 + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

// Lines over a shared x axis: series = [{ values, color, width, steps }].
function drawPlot(canvas, series, { range = null, label = '' } = {}) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width;
  const H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (const v of s.values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (range) [lo, hi] = range;
  const pad = 6;
  const y = (v) => H - pad - ((v - lo) / (hi - lo || 1)) * (H - 2 * pad);
  ctx.strokeStyle = '#e4e7ec';
  ctx.beginPath();
  ctx.moveTo(0, y(0));
  ctx.lineTo(W, y(0));
  ctx.stroke();
  for (const s of series) {
    const n = s.values.length;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 1;
    ctx.beginPath();
    if (n > W * 2 && !s.steps) {
      // Many samples per pixel: draw each column's min-max span.
      for (let px = 0; px < W; px++) {
        const a = Math.floor((px / W) * n);
        const b = Math.max(a + 1, Math.floor(((px + 1) / W) * n));
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = a; i < b; i++) { mn = Math.min(mn, s.values[i]); mx = Math.max(mx, s.values[i]); }
        ctx.moveTo(px + 0.5, y(mn));
        ctx.lineTo(px + 0.5, y(mx) - 0.5);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const x0 = (i / n) * W;
        const x1 = ((i + 1) / n) * W;
        if (s.steps) {
          if (i === 0) ctx.moveTo(x0, y(s.values[i]));
          else ctx.lineTo(x0, y(s.values[i]));
          ctx.lineTo(x1, y(s.values[i]));
        } else if (i === 0) ctx.moveTo(x0, y(s.values[i]));
        else ctx.lineTo(x0, y(s.values[i]));
      }
    }
    ctx.stroke();
  }
  if (label) {
    ctx.fillStyle = '#5b6475';
    ctx.font = '12px system-ui, sans-serif';
    ctx.fillText(label, 8, 14);
  }
  return canvas;
}

function panel(container, id, extraClass = '') {
  const op = OPS[id];
  const div = document.createElement('div');
  div.className = `panel ${extraClass}`;
  div.dataset.op = id;
  div.innerHTML = '<h3></h3><p class="what"></p>';
  div.querySelector('h3').textContent = op.title;
  div.querySelector('.what').textContent = op.what;
  container.append(div);
  return div;
}

function meta(div, text) {
  const p = document.createElement('p');
  p.className = 'meta';
  p.textContent = text;
  div.append(p);
}

// Runs one op of the table in the worker and records input and output for
// the tests. x and the result are { shape, data: Float32Array }. Returns
// the output, or null (with a message in the panel) when this build lacks
// the op.
async function runOp(id, x, div) {
  const r = await call('run', { op: id, input: x });
  if (!r.available) {
    state.results[id] = { available: false };
    div.classList.add('unavailable');
    const p = document.createElement('p');
    p.className = 'missing';
    p.textContent = `${OPS[id].title} is not available in this build of nnwasm (it needs ${r.missing.join(', ')}).`;
    div.append(p);
    return null;
  }
  const y = r.output;
  state.results[id] = { available: true, ms: r.ms, input: x, output: y };
  meta(div, `[${x.shape}] → [${y.shape}], first call ${r.ms.toFixed(1)} ms`);
  return y;
}

// ---------------------------------------------------------------- image

async function loadPicture(src) {
  const img = new Image();
  img.src = src;
  await img.decode();
  return img;
}

// A drawable (image or bitmap) -> NHWC [1, H, W, 3] values in [0, 1].
function pictureTensor(picture) {
  const s = Math.min(1, 256 / Math.max(picture.width, picture.height));
  const w = Math.max(4, Math.round(picture.width * s));
  const h = Math.max(4, Math.round(picture.height * s));
  const c = canvasOf(w, h);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(picture, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const v = new Float32Array(h * w * 3);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < 3; k++) v[i * 3 + k] = rgba[i * 4 + k] / 255;
  return { shape: [1, h, w, 3], data: v };
}

// state.image is set once every panel is drawn (the tests wait for it).
async function runImage(x) {
  const box = $('image-panels');
  box.replaceChildren();
  const [, h, w] = x.shape;

  const input = document.createElement('div');
  input.className = 'panel';
  input.innerHTML = '<h3>Input</h3><p class="what">the picture as an NHWC tensor, values in [0, 1]</p>';
  input.append(drawImage(canvasOf(w, h), x.data, h, w, 3));
  meta(input, `[${x.shape}]`);
  box.append(input);

  for (const id of ['average_pooling2d', 'max_pooling2d', 'conv2d_edges', 'conv2d_blur']) {
    const div = panel(box, id);
    const y = await runOp(id, x, div);
    if (!y) continue;
    const [, oh, ow, oc] = y.shape;
    const data = y.data;
    if (id === 'conv2d_edges') {
      const abs = data.map(Math.abs);
      const hi = abs.reduce((a, b) => Math.max(a, b), 0) || 1;
      const shown = abs.map((v) => Math.min(1, (v / hi) * 2.5));
      div.insertBefore(drawImage(canvasOf(ow, oh), shown, oh, ow, 1, { scale: [0, 1] }), div.querySelector('.meta'));
    } else {
      div.insertBefore(drawImage(canvasOf(ow, oh), data, oh, ow, oc), div.querySelector('.meta'));
    }
  }

  const cnn = panel(box, 'small_cnn', 'cnn');
  const y = await runOp('small_cnn', x, cnn);
  if (y) {
    const [, oh, ow, oc] = y.shape;
    const data = y.data;
    const maps = document.createElement('div');
    maps.className = 'maps';
    for (let k = 0; k < oc; k++) maps.append(drawImage(canvasOf(ow, oh, 'map'), data, oh, ow, oc, { ch: k }));
    cnn.insertBefore(maps, cnn.querySelector('.meta'));
    $('summary').textContent = await call('summary', { shape: x.shape });
  } else {
    $('summary').textContent = 'The CNN needs Conv2D, MaxPooling2D and AveragePooling2D, which this build does not have yet.';
  }
  state.image = { shape: x.shape };
}

// ---------------------------------------------------------------- signal

// A chirp with bursts and a little noise: 4096 samples.
function generatedWaveform() {
  const n = 4096;
  const v = new Float32Array(n);
  let seed = 12345;
  const noise = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / n;
    const phase = 2 * Math.PI * (20 * t + 200 * t * t);
    const envelope = 0.35 + 0.65 * Math.exp(-(((t - 0.3) / 0.08) ** 2)) + 0.5 * Math.exp(-(((t - 0.75) / 0.05) ** 2));
    v[i] = envelope * Math.sin(phase) + 0.25 * Math.sin(2 * Math.PI * 3 * t) + 0.15 * noise();
  }
  return v;
}

async function decodeWav(file) {
  const ctx = new OfflineAudioContext(1, 1, 8000);
  const audio = await ctx.decodeAudioData(await file.arrayBuffer());
  const n = Math.min(audio.length, 8 * 8000);
  const mono = new Float32Array(n);
  for (let c = 0; c < audio.numberOfChannels; c++) {
    const ch = audio.getChannelData(c);
    for (let i = 0; i < n; i++) mono[i] += ch[i] / audio.numberOfChannels;
  }
  return mono;
}

// state.signal is set once both panels are drawn (the tests wait for it).
async function runSignal(values, label) {
  const box = $('signal-panels');
  box.replaceChildren();
  const n = values.length;
  const x = { shape: [1, n, 1], data: values };

  const conv = panel(box, 'conv1d_filters');
  const y = await runOp('conv1d_filters', x, conv);
  if (y) {
    const out = y.data;
    const low = new Float32Array(n);
    const high = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      low[i] = out[i * 2];
      high[i] = out[i * 2 + 1];
    }
    const plot1 = drawPlot(canvasOf(900, 150, 'plot'), [
      { values, color: '#c3c9d4' }, { values: low, color: '#2f6fdb', width: 2 },
    ], { label: `${label} (grey) and filter 0, low-pass (blue)` });
    const plot2 = drawPlot(canvasOf(900, 110, 'plot'), [{ values: high, color: '#d1495b' }], { label: 'filter 1, high-pass' });
    conv.insertBefore(plot1, conv.querySelector('.meta'));
    conv.insertBefore(plot2, conv.querySelector('.meta'));
  }

  const pool = panel(box, 'adaptive_avg_pool1d');
  const squared = { shape: [1, n, 1], data: values.map((v) => v * v) };
  const e = await runOp('adaptive_avg_pool1d', squared, pool);
  if (e) {
    const rms = e.data.map(Math.sqrt);
    const plot = drawPlot(canvasOf(900, 150, 'plot'), [
      { values, color: '#c3c9d4' }, { values: rms, color: '#2a9d8f', width: 2, steps: true },
      { values: rms.map((v) => -v), color: '#2a9d8f', width: 2, steps: true },
    ], { label: `${label} (grey) and ±sqrt(adaptive_avg_pool1d(x², 128)), its RMS envelope (green)` });
    pool.insertBefore(plot, pool.querySelector('.meta'));
  }
  state.signal = { length: n, label };
}

// ---------------------------------------------------------------- page

function showBackend(info) {
  const t = info.threads;
  $('backend').innerHTML = `nnwasm build <b id="build">${info.build}</b> · <b id="threads">${t}</b> thread${t === 1 ? '' : 's'}, in a Web Worker · <span id="reason"></span>`;
  $('reason').textContent = info.reason;
  if (!globalThis.crossOriginIsolated) {
    const note = $('isolation-note');
    note.hidden = false;
    note.textContent = 'This page is not cross-origin isolated (it was served without the COOP/COEP headers), so the browser ' +
      'gives it no SharedArrayBuffer and nnwasm runs its single-threaded SIMD build. Serve it with ';
    const code = document.createElement('code');
    code.textContent = 'npm start';
    note.append(code, ' (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp) to use threads.');
  }
}

function showError(e) {
  state.error = String(e?.stack ?? e);
  const el = $('error');
  el.hidden = false;
  el.textContent = `Something failed: ${e?.message ?? e}`;
  console.error(e);
}

// One image or signal run at a time, in the order asked for.
let queue = Promise.resolve();
const enqueue = (job) => {
  queue = queue.then(job).catch(showError);
  return queue;
};

async function main() {
  const { info } = await call('init');
  state.info = info;
  showBackend(info);

  const testPicture = await loadPicture(new URL('./test-image.png', import.meta.url));
  await enqueue(() => runImage(pictureTensor(testPicture)));
  $('image-file').addEventListener('change', (ev) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    enqueue(async () => {
      let bitmap;
      try {
        bitmap = await createImageBitmap(file);
      } catch (e) {
        throw new Error(`could not read ${file.name} as a picture (${e.message})`);
      }
      await runImage(pictureTensor(bitmap));
    });
  });
  $('image-reset').addEventListener('click', () => {
    $('image-file').value = '';
    enqueue(() => runImage(pictureTensor(testPicture)));
  });

  await enqueue(() => runSignal(generatedWaveform(), 'generated chirp'));
  $('wav-file').addEventListener('change', (ev) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    enqueue(async () => {
      let values;
      try {
        values = await decodeWav(file);
      } catch (e) {
        throw new Error(`could not decode ${file.name} as audio (${e.message})`);
      }
      await runSignal(values, file.name);
    });
  });
  $('signal-reset').addEventListener('click', () => {
    $('wav-file').value = '';
    enqueue(() => runSignal(generatedWaveform(), 'generated chirp'));
  });

  // The trained model: a failure to load it is shown and the rest goes on.
  await setupModelPanel({ call, state, enqueue, canvasOf, drawImage }).catch((e) => {
    state.shapes.error = e.message;
    $('prediction').textContent = '';
    showError(new Error(`the trained model did not load: ${e.message}`));
  });
  await setupBenchmark({ call, info, state });
  state.done = true;
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  releaseLoadEvent();
}

state.ready = main().catch(showError).finally(releaseLoadEvent);
