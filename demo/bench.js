// The demo's live benchmark panel: asks the demo's worker (demo/worker.js,
// cases in demo/bench-cases.js) to time each op with nnwasm and with
// TensorFlow.js's WASM backend, and draws the answers as a bar chart. The
// timing runs in the worker, so the page stays responsive meanwhile.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Words of `texts` (one paragraph each) in lines at most `width` px wide.
function wrap(ctx, texts, width) {
  const lines = [];
  for (const text of texts) {
    let line = '';
    for (const word of text.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (line && ctx.measureText(next).width > width) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

// notes: caption paragraphs, wrapped left of the legend so they never run
// under it.
function drawChart(canvas, rows, notes) {
  const rowH = 46;
  const W = 900;
  const legendW = 270;
  const ctx = canvas.getContext('2d');
  ctx.font = '13px system-ui, sans-serif';
  const lines = wrap(ctx, notes, W - legendW - 36);
  const top = 14 + lines.length * 18 + 6;
  const H = top + rows.length * rowH + 14;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  ctx.scale(dpr, dpr);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.font = '13px system-ui, sans-serif';
  ctx.fillStyle = '#1d2330';
  lines.forEach((line, i) => ctx.fillText(line, 12, 20 + i * 18));
  const legend = [['nnwasm', '#2f6fdb'], ['TensorFlow.js wasm', '#f08c2e']];
  let lx = W - legendW;
  for (const [name, color] of legend) {
    ctx.fillStyle = color;
    ctx.fillRect(lx, 10, 12, 12);
    ctx.fillStyle = '#1d2330';
    ctx.fillText(name, lx + 16, 20);
    lx += 110;
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

export async function setupBenchmark({ call, info, state }) {
  const button = document.getElementById('bench-run');
  const progress = document.getElementById('bench-progress');
  const status = document.getElementById('bench-status');
  const canvas = document.getElementById('bench-chart');
  const isolated = globalThis.crossOriginIsolated;
  const note = (threads) => `nnwasm ${info.build}, ${threads} thread${threads === 1 ? '' : 's'}` +
    `${isolated ? '' : ' (page not cross-origin isolated)'}, in a worker; median ms per run, shorter is faster`;
  const rows = (await call('cases')).map((c) => ({ ...c, nnwasm: null, tfjs: null, status: {} }));
  drawChart(canvas, rows, [note(info.threads), 'Press "Run the benchmark".']);
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
    const threads = (await call('backend')).threads;
    try {
      // nnwasm first, then TensorFlow.js: its worker threads spin for a while
      // after each op, which would slow down whatever ran next.
      for (const lib of ['nnwasm', 'tfjs']) {
        let tfjsFailed = null;
        for (const row of rows) {
          if (!row.available) continue;
          advance(`${step + 1}/${steps}: ${row.title} with ${lib === 'nnwasm' ? 'nnwasm' : 'TensorFlow.js'}…`);
          await sleep(30);
          if (lib === 'tfjs' && tfjsFailed) {
            row.status.tfjs = 'TensorFlow.js could not be loaded';
          } else {
            try {
              row[lib] = await call('bench', { lib, caseId: row.id });
            } catch (e) {
              if (lib !== 'tfjs') throw e;
              tfjsFailed = e;
              row.status.tfjs = 'TensorFlow.js could not be loaded';
              console.warn(`nnwasm demo: TensorFlow.js could not be loaded (${e.message}); timing nnwasm only`);
            }
          }
          step++;
          drawChart(canvas, rows, [note(threads)]);
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
      drawChart(canvas, rows, [note(threads)]);
    }
  });
}
