// The sweep's Markdown section: a summary per network and thread count
// (geometric mean of the speed ratios, layers where nnwasm is slower), then one
// table per network and thread count.
import { LIBS, LIB_NAMES } from './adapters.mjs';
import { NETWORKS, bytesOf, flopsOf, shapeText } from './layers.mjs';

function sig(x, digits = 3) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(decimals, 6));
}
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The fastest correct variant of a library's cell, or null. */
export function bestVariant(c) {
  let best = null;
  for (const v of c?.variants ?? []) {
    if (v.status !== 'ok' || !v.timing) continue;
    if (!best || v.timing.medianMs < best.timing.medianMs) best = v;
  }
  return best;
}

/** Why a library has no time for a layer, in a few words. */
function missing(c) {
  if (!c) return 'not run';
  if (c.status === 'skipped') return /^not implemented yet/.test(c.reason) ? 'not implemented yet' : 'no equivalent op';
  if (c.status === 'error') return 'error';
  if ((c.variants ?? []).some((v) => v.status === 'wrong')) return '✗ wrong';
  return 'error';
}

/**
 * The limit a layer can reach at `threads` (roofline): the SIMD peak, or DRAM
 * bandwidth times its flops per byte, whichever is lower. Memory-bound rows
 * are rated in GB/s against the bandwidth, the others in GFLOP/s against the peak.
 */
/** 2D 3x3 stride-1 convolutions, which nnwasm runs by Winograd F(4x4, 3x3) (less arithmetic than the direct count). */
export const isWinogradLayer = (l) => l.op.type === 'conv' && l.op.kernel.length === 2 && l.op.groups === 1 &&
  l.op.kernel.every((k) => k === 3) && l.op.stride.every((st) => st === 1) && l.op.dilation.every((d) => d === 1);

function rating(layer, ms, threads, limits) {
  const flops = flopsOf(layer), bytes = bytesOf(layer);
  const peak = limits?.peak?.gflops ? limits.peak.gflops * threads : null;
  const bandwidth = limits?.bandwidthNative?.[threads]?.gbps ?? null;
  const memoryBound = flops === 0 || (peak && bandwidth && (flops / bytes) * bandwidth < peak);
  const seconds = ms / 1000;
  if (memoryBound) {
    const gbps = bytes / seconds / 1e9;
    return { text: `${sig(gbps)} GB/s`, share: bandwidth ? `${sig((100 * gbps) / bandwidth, 2)} % BW` : '—' };
  }
  const gflops = flops / seconds / 1e9;
  return { text: `${sig(gflops)} GFLOP/s`, share: peak ? `${sig((100 * gflops) / peak, 2)} % peak` : '—', overPeak: peak && gflops > 1.05 * peak && !isWinogradLayer(layer) };
}

function checkText(row) {
  const variants = LIBS.flatMap((lib) => row.cells[lib]?.variants ?? []);
  if (!variants.length) return '—';
  const wrong = LIBS.filter((lib) => (row.cells[lib]?.variants ?? []).some((v) => v.status === 'wrong'));
  const maxDiff = Math.max(0, ...variants.flatMap((v) => Object.values(v.differences ?? {})).filter(Number.isFinite));
  if (wrong.length) return `✗ ${wrong.map((l) => LIB_NAMES[l]).join(', ')} disagree`;
  const libs = LIBS.filter((lib) => row.cells[lib]?.variants?.length).length;
  return libs > 1 ? `✓ ${libs} agree (${maxDiff ? maxDiff.toExponential(0) : '0'})` : '✓ ref';
}

/** Per layer: ms per library, ratio (fastest peer / nnwasm) and nnwasm's rate. */
export function layerRows(network, pass, limits) {
  const byId = new Map(pass.layers.map((r) => [r.id, r]));
  const threadsUsed = pass.setups?.nnwasm?.threadsUsed ?? pass.threads;
  return network.layers.map((layer) => {
    const row = byId.get(layer.id);
    if (!row) return { layer, row: null };
    const best = Object.fromEntries(LIBS.map((lib) => [lib, bestVariant(row.cells[lib])]));
    const peers = LIBS.filter((l) => l !== 'nnwasm' && best[l]).sort((a, b) => best[a].timing.medianMs - best[b].timing.medianMs);
    const fastestPeer = peers[0];
    const ratio = best.nnwasm && fastestPeer ? best[fastestPeer].timing.medianMs / best.nnwasm.timing.medianMs : null;
    const rate = best.nnwasm ? rating(layer, best.nnwasm.timing.medianMs, threadsUsed, limits) : null;
    // nnwasm's one-thread time of the same variant, timed next to it in a multi-thread pass.
    const oneThreadMs = best.nnwasm?.oneThread?.medianMs;
    const speedup = oneThreadMs ? oneThreadMs / (best.nnwasm.allThreadsMs ?? best.nnwasm.timing.medianMs) : null;
    return { layer, row, best, fastestPeer, ratio, rate, oneThreadMs, speedup };
  });
}

// Issue 13's bar for the thread split: convolution rows above 1 ms on one thread.
const SPEEDUP_BAR = 1.85;
const barRows = (rows) => rows.filter((r) => r.speedup && ['conv', 'conv_transpose'].includes(r.layer.op.type) && r.oneThreadMs > 1);

export function networkSummary(rows) {
  const ratios = rows.map((r) => r.ratio).filter((x) => x !== null && x !== undefined);
  const geomean = ratios.length ? Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length) : null;
  return {
    layers: rows.length,
    compared: ratios.length,
    geomean,
    slower: ratios.filter((r) => r < 1).length,
    notImplemented: rows.filter((r) => r.row && !r.best?.nnwasm && missing(r.row.cells.nnwasm) === 'not implemented yet').length,
  };
}

// Issue 13's bar for 3x3 stride 1 on one thread: direct-equivalent GFLOP/s of
// at least 1.3x the one-core SIMD peak, the Winograd error beside it.
const WINOGRAD_BAR = 1.3;

/** Per network, its Winograd rows on one thread: rate against the peak and nnwasm's error against float64. */
function winogradLines(networks, passes, limits) {
  const pass = passes.find((p) => p.threads === 1);
  const peak = limits?.peak?.gflops;
  if (!pass || !peak) return [];
  const lines = [];
  for (const network of networks) {
    const rows = layerRows(network, pass, limits).filter((r) => isWinogradLayer(r.layer) && r.best?.nnwasm);
    if (!rows.length) continue;
    const rates = rows.map((r) => flopsOf(r.layer) / (r.best.nnwasm.timing.medianMs / 1000) / 1e9 / peak);
    const errors = rows.map((r) => r.best.nnwasm.reference?.maxError).filter(Number.isFinite);
    lines.push(`| ${network.title} | ${rows.length} | ${sig(Math.min(...rates), 3)}x – ${sig(Math.max(...rates), 3)}x | ` +
      `${rates.filter((x) => x >= WINOGRAD_BAR).length} of ${rows.length} | ${errors.length ? Math.max(...errors).toExponential(1) : '—'} |`);
  }
  if (!lines.length) return [];
  return [`3x3 stride-1 convolutions on one thread (issue 13: direct-equivalent GFLOP/s, 2·H·W·Cout·Cin·9 / time, of at ` +
    `least ${WINOGRAD_BAR}x the measured SIMD mul+add peak, ${sig(peak)} GFLOP/s per core in this run; nnwasm runs them by ` +
    'Winograd F(4x4, 3x3), whose largest error against the float64 reference, |got − ref| / max(1, |ref|) at 512 seeded ' +
    'positions, is beside it; the native tests print its error next to the direct kernel\'s):', '',
    '| network | rows | rate / peak | rows at the bar | max error vs float64 |', '|---|---|---|---|---|', ...lines, ''];
}

/** Markdown for the whole sweep; `results` from run.mjs runSweep. */
export function sweepSection(results, { heading = '##' } = {}) {
  const { passes, limits, options } = results;
  const out = [];
  const networks = NETWORKS.filter((n) => passes.some((p) => p.layers.some((r) => r.id.startsWith(n.id + '/'))));
  out.push(`${heading} Layer sweep (batch 1, channels last)`, '');
  out.push(
    'Every distinct convolution, depthwise, pooling, dense, transposed-convolution and concatenation shape of four networks ' +
    '(bench/sweep/layers.mjs). nnwasm runs each through `keras.layers` (channels_last); the peers run the same shapes and ' +
    'weights. The three libraries share one Node process per thread count and are timed layer by layer, their order turning ' +
    `with every layer. Before timing, every output is checked against a float64 reference (512 seeded positions) and against ` +
    'the other libraries\' whole outputs: ✓ = all within 1e-3 relative (the largest difference in brackets). ' +
    `Timing: ${options.budgetMs} ms per cell after a 100 ms warm-up, in three interleaved slices (every library once per ` +
    'slice, at least 7 samples each; the cell keeps its slice with the lowest median, so a burst of load costs one library one ' +
    `slice rather than its whole cell); ${options.rounds} round(s)` +
    (options.rounds > 1 ? ', each cell the round with the lowest median' : '') +
    `. The sweep took ${sig(results.seconds, 2)} s.`,
    '',
    '**ratio** = fastest correct peer\'s time / nnwasm\'s time (above 1: nnwasm is faster). **vs 1 thread** (tables of ' +
    'more threads): nnwasm\'s time on one thread / its time on all of them, the same layer timed in the same process ' +
    '(torch.set_num_threads) right after each all-thread slice, the lowest slice of each, so the drift between the passes ' +
    'does not enter it. **rate**: nnwasm\'s GFLOP/s ' +
    '(mul+add = 2) for rows the SIMD peak bounds, GB/s (inputs + weights read, output written) for rows DRAM bandwidth ' +
    'bounds, whichever limit is lower for the row\'s flops per byte (roofline); **share** = rate / that limit, the limit ' +
    'measured in this run (peak × threads). Small inputs stay in cache, so a memory-bound share can pass 100 %.',
    '',
  );

  const tables = [];
  const speedups = [];
  const summary = ['| network | threads | layers | compared | geometric mean of ratios | nnwasm slower on | nnwasm not implemented yet |', '|---|---|---|---|---|---|---|'];
  for (const network of networks) {
    for (const pass of passes) {
      const rows = layerRows(network, pass, limits);
      const s = networkSummary(rows);
      summary.push(`| ${network.title} | ${pass.threads} | ${s.layers} | ${s.compared} | ${s.geomean ? `**${sig(s.geomean, 3)}x**` : '—'} | ` +
        `${s.compared ? `${s.slower} of ${s.compared}` : '—'} | ${s.notImplemented || '—'} |`);
      tables.push(`${heading}# ${network.title}, ${pass.threads} thread${pass.threads > 1 ? 's' : ''}`, '');
      const split = pass.threads > 1;
      tables.push(`| # | layer | shape (HxWxC) | nnwasm ms | tfjs ms | ort ms | ratio |${split ? ' vs 1 thread |' : ''} rate | share | check |`,
        `|---|---|---|---|---|---|---|${split ? '---|' : ''}---|---|---|`);
      for (const r of rows) {
        const num = r.layer.id.split('/')[1];
        if (!r.row) { tables.push(`| ${num} | ${cell(r.layer.name)} | ${shapeText(r.layer)} | not run |||||||${split ? '|' : ''}`); continue; }
        const ms = (lib) => (r.best[lib] ? sig(r.best[lib].timing.medianMs) : missing(r.row.cells[lib]));
        const fallback = r.best.nnwasm?.note ? ' ¹' : '';
        const vsOne = split ? ` ${r.speedup ? `${sig(r.speedup, 3)}x` : '—'} |` : '';
        tables.push(`| ${num} | ${cell(r.layer.name)} | ${shapeText(r.layer)} | ${ms('nnwasm')}${fallback} | ${ms('tfjs')} | ${ms('ort')} | ` +
          `${r.ratio ? `${sig(r.ratio, 2)}x` : '—'} |${vsOne} ${r.rate?.text ?? '—'} | ${r.rate?.share ?? '—'} | ${checkText(r.row)} |`);
      }
      if (split) {
        const bar = barRows(rows);
        if (bar.length) {
          const low = bar.reduce((a, b) => (b.speedup < a.speedup ? b : a));
          speedups.push(`| ${network.title} | ${pass.threads} | ${bar.filter((r) => r.speedup >= SPEEDUP_BAR).length} of ${bar.length} | ` +
            `${sig(low.speedup, 3)}x (${cell(low.layer.name)}) |`);
        }
      }
      if (rows.some((r) => r.best?.nnwasm?.note)) {
        const note = rows.find((r) => r.best?.nnwasm?.note).best.nnwasm.note;
        tables.push('', `¹ ${cell(note.replace(/\(.*$/, '').trim())}: timed as \`${cell(rows.find((r) => r.best?.nnwasm?.note).best.nnwasm.label.replace(/\(.*$/, ''))}\` with groups = channels.`);
      }
      tables.push('');
    }
  }
  out.push(`${heading}# Summary`, '', ...summary, '');
  if (speedups.length) {
    out.push(`Thread split (issue 13: at least ${SPEEDUP_BAR}x on every convolution row above 1 ms on one thread; ` +
      'one-thread and all-thread times of the same layer, timed one after the other in the same process):', '',
      '| network | threads | rows at the bar | lowest speed-up |', '|---|---|---|---|', ...speedups, '');
  }
  out.push(...winogradLines(networks, passes, limits));
  // A probe that shared the CPU with other work reads low; say so rather than print shares past the peak as real.
  const overPeak = networks.some((n) => passes.some((p) => layerRows(n, p, limits).some((r) => r.rate?.overPeak)));
  if (overPeak) {
    out.push(`**Some direct-convolution rows exceed the measured SIMD peak by more than 5 % (${sig(limits.peak.gflops)} GFLOP/s per core in this run): the probe ` +
      'ran while other work used the CPU and read low (an idle core of this machine gives about 40), so the % peak column ' +
      'overstates the shares. Rerun on an idle machine.**', '');
  }
  const setups = passes.map((p) => `${p.threads} thread(s): ${LIBS.map((lib) => {
    const s = p.setups?.[lib];
    return `${LIB_NAMES[lib]} ${s?.error ? `unavailable (${cell(s.error)})` : `${s?.version ?? '?'} (${s?.threadsUsed} used)`}`;
  }).join(', ')}`);
  out.push(`Libraries: ${setups.join('; ')}.`, '');
  if (passes.some((p) => p.crash)) out.push(`Crashed passes: ${passes.filter((p) => p.crash).map((p) => `${p.threads} thread(s): ${cell(p.crash)}`).join('; ')}`, '');
  out.push(...tables);
  return out.join('\n');
}
