const [A, B, T] = process.argv.slice(2);
function randn(n, seed) { const v = new Float32Array(n); let s = seed; for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; v[i] = s / 2 ** 32 - 0.5; } return v; }
async function load(repo) {
  const nn = await import(repo + '/js/index.js'); await nn.init({ threads: +T });
  const { torch, keras } = nn;
  const layer = new keras.layers.Conv1D({ filters: 128, kernel_size: 80, strides: 4, padding: 'valid' });
  const X = torch.tensor(randn(16000, 1), [1, 16000, 1]); layer.build(X.shape);
  layer.set_weights([torch.tensor(randn(80 * 128, 2), [80, 1, 128]), torch.tensor(randn(128, 3), [128])]);
  return () => layer.apply(X).dispose();
}
const a = await load(A), b = await load(B);
const med = (t) => { t.sort((x, y) => x - y); return t[t.length >> 1]; };
function batch(f, ms) { const t = []; const t0 = performance.now(); while (performance.now() - t0 < ms || t.length < 3) { const s = performance.now(); f(); t.push(performance.now() - s); } return med(t); }
batch(a, 50); batch(b, 50); let ba = Infinity, bb = Infinity;
for (let c = 0; c < 8; c++) { if (c & 1) { bb = Math.min(bb, batch(b, 80)); ba = Math.min(ba, batch(a, 80)); } else { ba = Math.min(ba, batch(a, 80)); bb = Math.min(bb, batch(b, 80)); } }
const fl = 2 * 3981 * 128 * 80;
console.log(`M5 Conv1D 80/4 1->128 ${T}T old ${ba.toFixed(3)} ms (${(fl / ba / 1e6).toFixed(1)} GF/s) new ${bb.toFixed(3)} ms (${(fl / bb / 1e6).toFixed(1)} GF/s) speedup ${(ba / bb).toFixed(2)}x`);
process.exit(0);
