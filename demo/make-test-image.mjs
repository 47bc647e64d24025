#!/usr/bin/env node
// Draws the demo's 128x128 test picture procedurally (sky, sun, hills, a
// striped barn, a checkered field: edges in every direction and flat areas)
// and writes it as demo/test-image.png. No dependencies.
//   node demo/make-test-image.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const W = 128;
const H = 128;
const rgb = new Uint8Array(W * H * 3);

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
function put(x, y, c) {
  const i = (y * W + x) * 3;
  rgb[i] = Math.round(Math.max(0, Math.min(255, c[0])));
  rgb[i + 1] = Math.round(Math.max(0, Math.min(255, c[1])));
  rgb[i + 2] = Math.round(Math.max(0, Math.min(255, c[2])));
}

for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    // Sky: a vertical gradient.
    let c = mix([70, 130, 220], [200, 225, 250], y / 70);
    // Sun with a soft rim.
    const d = Math.hypot(x - 96, y - 26);
    if (d < 14) c = [255, 214, 70];
    else if (d < 18) c = mix([255, 214, 70], c, (d - 14) / 4);
    // Two hills.
    const hill1 = 70 + 14 * Math.sin(x / 18);
    const hill2 = 82 + 8 * Math.cos(x / 11 + 1);
    if (y > hill1) c = mix([60, 140, 70], [30, 90, 40], (y - hill1) / 40);
    if (y > hill2) c = [80, 160, 60];
    // A checkered field in perspective.
    if (y > 100) {
      const row = Math.floor(Math.log(y - 96) * 4);
      const col = Math.floor((x - 64) / (4 + (y - 100) * 0.6));
      c = (row + col) % 2 === 0 ? [210, 190, 120] : [150, 120, 70];
    }
    // A barn: red with white diagonal stripes, a triangular roof.
    if (x >= 18 && x < 50 && y >= 66 && y < 100) c = ((x + y) % 8 < 2) ? [240, 240, 240] : [180, 40, 40];
    if (y >= 50 && y < 66 && Math.abs(x - 34) <= (y - 50) * 1.1) c = [90, 50, 40];
    // A dark door.
    if (x >= 30 && x < 38 && y >= 84 && y < 100) c = [40, 25, 20];
    put(x, y, c);
  }
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0);
ihdr.writeUInt32BE(H, 4);
ihdr[8] = 8;  // bit depth
ihdr[9] = 2;  // truecolour RGB
const raw = Buffer.alloc(H * (1 + W * 3));
for (let y = 0; y < H; y++) {
  raw[y * (1 + W * 3)] = 0;  // filter: none
  Buffer.from(rgb.subarray(y * W * 3, (y + 1) * W * 3)).copy(raw, y * (1 + W * 3) + 1);
}
const png = Buffer.concat([
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./test-image.png', import.meta.url), png);
console.log(`demo/test-image.png: ${W}x${H}, ${png.length} bytes`);
