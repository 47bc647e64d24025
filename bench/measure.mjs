// Time-bounded timing of one benchmark cell.
//
// Calls are grouped into samples long enough for the clock (tiny ops run many
// calls per sample and report the per-call mean of each sample); we keep
// sampling until the time budget is spent and enough samples exist, then
// report the median and the min-max spread of per-call times. CPU time of the
// whole process over the same interval (all threads) divided by wall time
// tells how many cores the library really kept busy.

const MIN_SAMPLE_MS = 2;      // shortest sample, well above timer granularity
const MIN_SAMPLES = 7;
const MAX_SAMPLES = 2000;
const WARMUP_MS = 100;

/**
 * @param {() => any} fn one call of the timed work (sync, or returns a Promise)
 * @param {{ budgetMs?: number, isAsync?: boolean, warmupMs?: number }} options
 *   warmupMs: shorter for a cell measured again after the JIT has settled
 */
export async function measure(fn, { budgetMs = 600, isAsync = false, warmupMs = WARMUP_MS } = {}) {
  const callOnce = isAsync ? async () => { await fn(); } : fn;

  // Warm-up: JIT, caches, thread pools, allocator; also estimates call cost.
  let calls = 0;
  const warmStart = performance.now();
  do {
    if (isAsync) await callOnce(); else callOnce();
    calls++;
  } while (performance.now() - warmStart < warmupMs && calls < 1000);
  const estimateMs = (performance.now() - warmStart) / calls;
  const callsPerSample = Math.max(1, Math.ceil(MIN_SAMPLE_MS / Math.max(estimateMs, 1e-4)));

  const perCallMs = [];
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  while (perCallMs.length < MAX_SAMPLES &&
         (perCallMs.length < MIN_SAMPLES || performance.now() - wallStart < budgetMs)) {
    const t0 = performance.now();
    if (isAsync) {
      for (let i = 0; i < callsPerSample; i++) await fn();
    } else {
      for (let i = 0; i < callsPerSample; i++) fn();
    }
    perCallMs.push((performance.now() - t0) / callsPerSample);
  }
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  perCallMs.sort((a, b) => a - b);
  return {
    medianMs: median(perCallMs),
    minMs: perCallMs[0],
    maxMs: perCallMs[perCallMs.length - 1],
    samples: perCallMs.length,
    callsPerSample,
    cpuPerWall: (cpu.user + cpu.system) / 1000 / wallMs,
  };
}

function median(sorted) {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}
