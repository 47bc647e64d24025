// The demo model's data: hand-drawn-looking shapes, white strokes on black,
// SIZE x SIZE grayscale in [0, 1]. Plain JavaScript with no dependencies, so
// the training script (Node), the page and the end-to-end tests draw the
// very same pictures from the same seed.

export const SIZE = 28;
export const CLASSES = ['circle', 'square', 'triangle', 'cross', 'line', 'star'];

// mulberry32: small, seedable, the same in every engine.
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TAU = 2 * Math.PI;

// Each shape: strokes (polylines of unit-scale points around the origin).
function strokes(cls, r) {
  const poly = (n, phase, radius = () => 1) => {
    const pts = [];
    for (let i = 0; i <= n; i++) {
      const a = phase + (i / n) * TAU;
      const k = radius(i % n);
      pts.push([Math.cos(a) * k, Math.sin(a) * k]);
    }
    return [pts];
  };
  switch (cls) {
    case 'circle': {
      const squash = 0.75 + 0.25 * r();
      return poly(36, 0).map((s) => s.map(([x, y]) => [x, y * squash]));
    }
    case 'square': {
      const aspect = 0.7 + 0.3 * r();
      return [[[-1, -aspect], [1, -aspect], [1, aspect], [-1, aspect], [-1, -aspect]]];
    }
    case 'triangle':
      return poly(3, -Math.PI / 2);
    case 'cross':
      return [[[-1, 0], [1, 0]], [[0, -1], [0, 1]]];
    case 'line':
      return [[[-1, 0], [1, 0]]];
    case 'star':
      return poly(10, -Math.PI / 2, (i) => (i % 2 ? 0.42 : 1));
    default:
      throw new Error(`shapes: unknown class ${cls}`);
  }
}

// Distance from (px, py) to the segment a-b.
function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const x = ax + t * dx - px;
  const y = ay + t * dy - py;
  return Math.sqrt(x * x + y * y);
}

// One picture of class `cls` (an index or a name) -> Float32Array(SIZE * SIZE),
// row-major. `r` is a () => [0, 1) source (rng(seed)).
export function drawShape(cls, r, size = SIZE) {
  const name = typeof cls === 'number' ? CLASSES[cls] : cls;
  const scale = size * (0.2 + 0.15 * r());              // half-size in pixels
  // Room to move without leaving the picture, a rotated corner included.
  const room = Math.max(0, size - 2.7 * scale);
  const cx = size / 2 + (r() - 0.5) * room;
  const cy = size / 2 + (r() - 0.5) * room;
  const angle = r() * TAU;
  const half = (0.5 + 1.1 * r()) * (size / 28);          // half the stroke width
  const wobble = 0.06 * r();
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const segs = [];
  for (const line of strokes(name, r)) {
    const pts = line.map(([x, y]) => {
      const jx = x + (r() - 0.5) * 2 * wobble;
      const jy = y + (r() - 0.5) * 2 * wobble;
      return [cx + (jx * cos - jy * sin) * scale, cy + (jx * sin + jy * cos) * scale];
    });
    for (let i = 1; i < pts.length; i++) segs.push([...pts[i - 1], ...pts[i]]);
  }
  const img = new Float32Array(size * size);
  const noise = 0.08 * r();
  const bright = 0.75 + 0.25 * r();
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let d = Infinity;
      for (const s of segs) d = Math.min(d, segmentDistance(x + 0.5, y + 0.5, s[0], s[1], s[2], s[3]));
      const ink = Math.min(1, Math.max(0, half + 0.5 - d)) * bright;
      img[y * size + x] = Math.min(1, Math.max(0, ink + (r() - 0.5) * 2 * noise));
    }
  }
  return img;
}

// n pictures, classes in turn -> { x: Float32Array(n * SIZE * SIZE), y: Int32Array(n) }.
export function dataset(n, seed) {
  const r = rng(seed);
  const x = new Float32Array(n * SIZE * SIZE);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * CLASSES.length);
    x.set(drawShape(c, r), i * SIZE * SIZE);
    y[i] = c;
  }
  return { x, y };
}
