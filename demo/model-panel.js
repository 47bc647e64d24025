// The demo's trained-model panel: a drawing canvas (mouse, pen or touch) or
// an uploaded picture goes to the shapes model of demo/model/, which the
// page's worker runs with nnwasm and with TensorFlow.js (both load the same
// model.json) and times; the page draws the probabilities and the first
// conv block's feature maps. Below it, a drop zone runs a user's own
// model.json + shards the same way. state.shapes and state.userModel record
// what was shown, for the end-to-end tests.
import { drawShape, rng, SIZE } from './model/shapes.js';

const $ = (id) => document.getElementById(id);
const MODEL_URL = new URL('./model/model.json', import.meta.url).href;
const MAPS_LAYER = 'stem_relu';
const SCALE = 10;  // drawing canvas pixels per model pixel

// The drawing canvas -> the model's input: each SCALE x SCALE block
// averaged (a box filter), the ink's brightness in [0, 1].
function canvasInput(canvas) {
  const px = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, canvas.width, canvas.height).data;
  const data = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const i = (y * canvas.width + x) * 4;
      data[Math.floor(y / SCALE) * SIZE + Math.floor(x / SCALE)] += (px[i] + px[i + 1] + px[i + 2]) / (3 * 255 * SCALE * SCALE);
    }
  }
  return { shape: [1, SIZE, SIZE, 1], data };
}

// A SIZE x SIZE picture in [0, 1] onto the drawing canvas, each pixel a
// SCALE x SCALE block (so canvasInput gives it back, to 8-bit rounding).
function paintPixels(canvas, data) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const img = ctx.createImageData(canvas.width, canvas.height);
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const v = Math.round(Math.min(1, Math.max(0, data[Math.floor(y / SCALE) * SIZE + Math.floor(x / SCALE)])) * 255);
      const i = (y * canvas.width + x) * 4;
      img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
      img.data[i + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
}

function clearCanvas(canvas) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

// A picture file onto the canvas: fitted, in grey, inverted when its
// background is light (the model knows light strokes on black).
async function paintPicture(canvas, file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    throw new Error(`could not read ${file.name} as a picture (${e.message})`);
  }
  clearCanvas(canvas);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const s = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
  const w = bitmap.width * s;
  const h = bitmap.height * s;
  ctx.fillStyle = '#fff';
  ctx.drawImage(bitmap, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const p = img.data;
  let sum = 0;
  for (let i = 0; i < p.length; i += 4) sum += (p[i] + p[i + 1] + p[i + 2]) / 3;
  const invert = sum / (p.length / 4) > 127;
  for (let i = 0; i < p.length; i += 4) {
    const g = (p[i] + p[i + 1] + p[i + 2]) / 3;
    p[i] = p[i + 1] = p[i + 2] = invert ? 255 - g : g;
    p[i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function drawProbs(canvas, classes, probs, tfjsProbs) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width;
  const rowH = Math.floor(canvas.height / classes.length);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, canvas.height);
  ctx.font = '13px system-ui, sans-serif';
  const labelW = 70;
  const barW = W - labelW - 60;
  classes.forEach((name, i) => {
    const y = i * rowH;
    ctx.fillStyle = '#1d2330';
    ctx.fillText(name, 4, y + rowH / 2 + 4);
    ctx.fillStyle = '#2f6fdb';
    ctx.fillRect(labelW, y + 4, Math.max(1, probs[i] * barW), rowH / 2 - 4);
    ctx.fillStyle = '#f08c2e';
    ctx.fillRect(labelW, y + rowH / 2, Math.max(1, tfjsProbs[i] * barW), rowH / 2 - 4);
    ctx.fillStyle = '#1d2330';
    ctx.fillText(`${(probs[i] * 100).toFixed(1)}%`, labelW + barW + 6, y + rowH / 2 + 4);
  });
}

function drawMaps(box, maps, canvasOf, drawImage) {
  const [, h, w, c] = maps.shape;
  box.replaceChildren();
  for (let k = 0; k < c; k++) box.append(drawImage(canvasOf(w, h, 'map'), maps.data, h, w, c, { ch: k }));
}

const fmtMs = (ms) => (ms < 1 ? `${ms.toFixed(3)} ms` : `${ms.toFixed(2)} ms`);

function showUserResult(el, r) {
  el.hidden = false;
  el.classList.remove('failed');
  el.replaceChildren();
  const table = document.createElement('table');
  const rows = [
    ['model', `${r.name}: ${r.layers} layers, ${r.params.toLocaleString()} parameters`],
    ['input', r.inputShapes.map((s) => `[${s}]`).join(', ') + ' (random, uniform in [0, 1])'],
    ['output', r.outputShapes.map((s) => `[${s}]`).join(', ')],
    ['nnwasm predict', `${fmtMs(r.nnwasmMs)} (load ${fmtMs(r.nnwasmLoadMs)})`],
    ['TensorFlow.js wasm predict', `${fmtMs(r.tfjsMs)} (load ${fmtMs(r.tfjsLoadMs)})`],
    ['speed-up', `${(r.tfjsMs / r.nnwasmMs).toFixed(2)}×`],
    ['max |nnwasm − tfjs|', r.maxDiff.toExponential(2)],
  ];
  for (const [k, v] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
  }
  el.append(table);
}

function showUserError(el, message) {
  el.hidden = false;
  el.classList.add('failed');
  el.textContent = message;
}

// -> resolves once the model is loaded and the first example classified.
export async function setupModelPanel({ call, state, enqueue, canvasOf, drawImage }) {
  const canvas = $('draw');
  const shapes = { ready: false, classes: null, count: 0, last: null, error: null };
  state.shapes = shapes;
  state.userModel = { count: 0, last: null, error: null };
  clearCanvas(canvas);

  const info = await call('shapesLoad', { url: MODEL_URL, mapsLayer: MAPS_LAYER });
  shapes.classes = info.classes;
  shapes.plan = info.plan;
  $('class-names').textContent = info.classes.join(', ');

  const classify = async () => {
    const input = canvasInput(canvas);
    const r = await call('shapesPredict', { input });
    const best = r.probs.indexOf(Math.max(...r.probs));
    $('prediction').innerHTML = '<b></b> <span class="hint"></span>';
    $('prediction').querySelector('b').textContent = info.classes[best];
    $('prediction').querySelector('.hint').textContent = `${(r.probs[best] * 100).toFixed(1)}% (nnwasm blue, TensorFlow.js orange)`;
    drawProbs($('probs'), info.classes, r.probs, r.tfjsProbs);
    drawMaps($('feature-maps'), r.maps, canvasOf, drawImage);
    $('model-timing').textContent = `predict [1, ${SIZE}, ${SIZE}, 1]: nnwasm ${fmtMs(r.nnwasmMs)}, TensorFlow.js wasm ${fmtMs(r.tfjsMs)} ` +
      `(${(r.tfjsMs / r.nnwasmMs).toFixed(2)}×); max |difference| ${r.maxDiff.toExponential(1)}`;
    shapes.last = { label: info.classes[best], probs: Array.from(r.probs), tfjsProbs: Array.from(r.tfjsProbs),
      maxDiff: r.maxDiff, nnwasmMs: r.nnwasmMs, tfjsMs: r.tfjsMs, mapsShape: r.maps.shape, input: Array.from(input.data) };
    shapes.count++;
    return shapes.last;
  };
  // For the tests and the example button: a SIZE x SIZE picture, classified.
  shapes.drawPixels = (data) => enqueue(() => {
    paintPixels(canvas, data);
    return classify();
  });

  // Drawing: thick round strokes in the canvas's own pixels.
  let drawing = false;
  let last = null;
  const at = (ev) => {
    const r = canvas.getBoundingClientRect();
    return [(ev.clientX - r.left) * (canvas.width / r.width), (ev.clientY - r.top) * (canvas.height / r.height)];
  };
  canvas.addEventListener('pointerdown', (ev) => {
    drawing = true;
    last = at(ev);
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drawing) return;
    const p = at(ev);
    const ctx = canvas.getContext('2d');
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 20;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...p);
    ctx.stroke();
    last = p;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    enqueue(classify);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  $('draw-clear').addEventListener('click', () => clearCanvas(canvas));
  let exampleSeed = 1;
  const example = () => {
    const r = rng(1000 + exampleSeed++);
    return drawShape(Math.floor(r() * info.classes.length), r);
  };
  $('draw-example').addEventListener('click', () => shapes.drawPixels(example()));
  $('draw-file').addEventListener('change', (ev) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    enqueue(async () => {
      await paintPicture(canvas, file);
      await classify();
    });
  });

  // The user's own model: dropped or chosen files.
  const result = $('user-model-result');
  const runUserModel = (files) => enqueue(async () => {
    state.userModel.error = null;
    result.hidden = false;
    result.classList.remove('failed');
    result.textContent = `Loading ${files.map((f) => f.name).join(', ')}…`;
    try {
      const r = await call('userModel', { files });
      state.userModel.last = r;
      showUserResult(result, r);
    } catch (e) {
      state.userModel.error = e.message;
      showUserError(result, e.message);
    }
    state.userModel.count++;
  });
  $('user-model-files').addEventListener('change', (ev) => {
    const files = [...(ev.target.files ?? [])];
    if (files.length) runUserModel(files);
    ev.target.value = '';
  });
  const drop = $('user-drop');
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const files = [...(ev.dataTransfer?.files ?? [])];
    if (files.length) runUserModel(files);
  });

  await shapes.drawPixels(example());
  shapes.ready = true;
}
