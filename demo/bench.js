// The demo's live benchmark: the same ops on the same shapes, timed in the
// page with nnwasm and with TensorFlow.js's WASM backend (loaded on demand
// from node_modules, as served by `npm start`), drawn as a bar chart.
import { has } from './ops.js';

const TFJS_DIR = new URL('../node_modules/@tensorflow/', import.meta.url);

// Each case: what nnwasm needs (gated like the demo panels), and a setup for
// each library returning { run(), dispose() }. Sizes keep one run in the
// milliseconds on a 2-core laptop.
const CASES = [
  {
    id: 'global_average_pooling1d',
    title: 'GlobalAveragePooling1D [8, 1024, 256]',
    needs: ['keras.layers.GlobalAveragePooling1D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(8, 1024, 256);
      const layer = new keras.layers.GlobalAveragePooling1D();
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([8, 1024, 256]);
      return { run: () => tf.mean(x, 1).dispose(), dispose: () => x.dispose() };
    },
  },
  {
    id: 'average_pooling2d',
    title: 'AveragePooling2D 2×2 [1, 112, 112, 64]',
    needs: ['keras.layers.AveragePooling2D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(1, 112, 112, 64);
      const layer = new keras.layers.AveragePooling2D({ pool_size: 2 });
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([1, 112, 112, 64]);
      return { run: () => tf.avgPool(x, 2, 2, 'valid').dispose(), dispose: () => x.dispose() };
    },
  },
  {
    id: 'max_pooling2d',
    title: 'MaxPooling2D 3×3 stride 2 same [1, 112, 112, 64]',
    needs: ['keras.layers.MaxPooling2D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(1, 112, 112, 64);
      const layer = new keras.layers.MaxPooling2D({ pool_size: 3, strides: 2, padding: 'same' });
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([1, 112, 112, 64]);
      return { run: () => tf.maxPool(x, 3, 2, 'same').dispose(), dispose: () => x.dispose() };
    },
  },
  {
    id: 'conv2d',
    title: 'Conv2D 3×3, 32→32, same [1, 56, 56, 32]',
    needs: ['keras.layers.Conv2D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(1, 56, 56, 32);
      const layer = new keras.layers.Conv2D({ filters: 32, kernel_size: 3, padding: 'same', use_bias: false });
      layer.build(x.shape);
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([1, 56, 56, 32]);
      const w = tf.randomNormal([3, 3, 32, 32]);
      return { run: () => tf.conv2d(x, w, 1, 'same').dispose(), dispose: () => tf.dispose([x, w]) };
    },
  },
  {
    id: 'conv1d',
    title: 'Conv1D k5, 64→64, same [4, 1024, 64]',
    needs: ['keras.layers.Conv1D'],
    nnwasm: ({ torch, keras }) => {
      const x = torch.randn(4, 1024, 64);
      const layer = new keras.layers.Conv1D({ filters: 64, kernel_size: 5, padding: 'same', use_bias: false });
      layer.build(x.shape);
      return { run: () => layer.apply(x).dispose(), dispose: () => x.dispose() };
    },
    tfjs: (tf) => {
      const x = tf.randomNormal([4, 1024, 64]);
      const w = tf.randomNormal([5, 64, 64]);
      return { run: () => tf.conv1d(x, w, 1, 'same').dispose(), dispose: () => tf.dispose([x, w]) };
    },
  },
];

const nextFrame = () => new Promise((r) => setTimeout(r, 0));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Median milliseconds of one run, after warm-up; at most ~budget ms.
// Warm-up: browsers first run WebAssembly from a quick baseline compile and
// switch a function to optimised code only after it has run a while (for
// either library, often 50-150 calls), so a few runs would time the baseline.
async function timeIt(run, budgetMs = 250, warmUpMs = 300) {
  const warmStart = performance.now();
  for (let i = 0; i < 200 && (i < 3 || performance.now() - warmStart < warmUpMs); i++) {
    run();
    if (i % 25 === 24) await nextFrame();
  }
  const times = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < budgetMs && times.length < 50)) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  await nextFrame();
  return times[times.length >> 1];
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}

let tfjsPromise = null;
function loadTfjs(threads) {
  tfjsPromise ??= (async () => {
    await loadScript(new URL('tfjs-core/dist/tf-core.min.js', TFJS_DIR).href);
    await loadScript(new URL('tfjs-backend-wasm/dist/tf-backend-wasm.min.js', TFJS_DIR).href);
    const tf = globalThis.tf;
    tf.wasm.setWasmPaths(new URL('tfjs-backend-wasm/dist/', TFJS_DIR).href);
    tf.wasm.setThreadsCount?.(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
    await tf.ready();
    return tf;
  })();
  return tfjsPromise;
}

function drawChart(canvas, rows, note) {
  const rowH = 46;
  const top = 34;
  const W = 900;
  const H = top + rows.length * rowH + 14;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.font = '13px system-ui, sans-serif';
  ctx.fillStyle = '#1d2330';
  ctx.fillText(note, 12, 20);
  const legend = [['nnwasm', '#2f6fdb'], ['TensorFlow.js wasm', '#f08c2e']];
  let lx = W - 280;
  for (const [name, color] of legend) {
    ctx.fillStyle = color;
    ctx.fillRect(lx, 10, 12, 12);
    ctx.fillStyle = '#1d2330';
    ctx.fillText(name, lx + 16, 20);
    lx += 120;
  }
  const labelW = 360;
  const barMax = W - labelW - 90;
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    ctx.fillStyle = '#1d2330';
    ctx.font = '13px system-ui, sans-serif';
    ctx.fillText(r.title, 12, y + 16);
    if (!r.available) {
      ctx.fillStyle = '#5b6475';
      ctx.fillText('not available in this build', labelW, y + 17);
      return;
    }
    const max = Math.max(r.nnwasm ?? 0, r.tfjs ?? 0) || 1;
    [['nnwasm', '#2f6fdb', 4], ['tfjs', '#f08c2e', 22]].forEach(([key, color, dy]) => {
      const v = r[key];
      if (v === null || v === undefined) {
        if (r.status?.[key]) {
          ctx.fillStyle = '#5b6475';
          ctx.fillText(r.status[key], labelW, y + dy + 12);
        }
        return;
      }
      const w = Math.max(2, (v / max) * barMax);
      ctx.fillStyle = color;
      ctx.fillRect(labelW, y + dy, w, 15);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(`${v < 1 ? v.toFixed(3) : v.toFixed(2)} ms`, labelW + w + 6, y + dy + 12);
    });
    if (r.nnwasm && r.tfjs) {
      ctx.fillStyle = '#5b6475';
      ctx.font = '12px system-ui, sans-serif';
      const ratio = r.tfjs / r.nnwasm;
      ctx.fillText(ratio >= 1 ? `nnwasm ${ratio.toFixed(1)}× faster` : `tfjs ${(1 / ratio).toFixed(1)}× faster`, 12, y + 35);
    }
  });
}

export function setupBenchmark({ nn, info, state, backend }) {
  const button = document.getElementById('bench-run');
  const progress = document.getElementById('bench-progress');
  const status = document.getElementById('bench-status');
  const canvas = document.getElementById('bench-chart');
  const note = () => `nnwasm ${info.build}, ${backend().threads} thread${backend().threads === 1 ? '' : 's'}` +
    `${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}; median ms per run, shorter is faster`;
  const rows = CASES.map((c) => ({ id: c.id, title: c.title, available: has(nn, c.needs), nnwasm: null, tfjs: null, status: {} }));
  drawChart(canvas, rows, `${note()}: press "Run the benchmark"`);
  state.bench = { running: false, done: false, rows };

  button.addEventListener('click', async () => {
    if (state.bench.running) return;
    state.bench.running = true;
    state.bench.done = false;
    button.disabled = true;
    const steps = rows.filter((r) => r.available).length * 2;
    let step = 0;
    const advance = (text) => {
      progress.value = steps ? step / steps : 1;
      status.textContent = text;
    };
    try {
      // nnwasm first, then TensorFlow.js: its worker threads spin for a while
      // after each op, which would slow down whatever ran next.
      for (const lib of ['nnwasm', 'tfjs']) {
        let tf = null;
        if (lib === 'tfjs') {
          advance('loading TensorFlow.js…');
          await nextFrame();
          try {
            tf = await loadTfjs(info.maxThreads ?? 1);
          } catch (e) {
            console.warn(`nnwasm demo: TensorFlow.js could not be loaded (${e.message}); timing nnwasm only`);
          }
        }
        for (const [i, c] of CASES.entries()) {
          const row = rows[i];
          if (!row.available) continue;
          advance(`${step + 1}/${steps}: ${c.title} with ${lib === 'nnwasm' ? 'nnwasm' : 'TensorFlow.js'}…`);
          await sleep(30);
          if (lib === 'tfjs' && !tf) {
            row.status.tfjs = 'TensorFlow.js could not be loaded';
          } else {
            const setup = lib === 'nnwasm' ? c.nnwasm(nn) : c.tfjs(tf);
            try {
              row[lib] = await timeIt(setup.run);
            } finally {
              setup.dispose();
            }
          }
          step++;
          drawChart(canvas, rows, note());
        }
      }
      advance(`done: ${rows.filter((r) => r.available).length} ops timed`);
      progress.value = 1;
      state.bench.done = true;
    } catch (e) {
      status.textContent = `benchmark failed: ${e.message}`;
      state.bench.error = String(e);
      console.error(e);
    } finally {
      state.bench.running = false;
      button.disabled = false;
      drawChart(canvas, rows, note());
    }
  });
}
