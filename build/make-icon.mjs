#!/usr/bin/env node
// Draws build/icon.png (1024x1024 RGBA): a patch panel of jacks joined by three patch cords, the
// switchboard motif. Plain Node (zlib) so it runs anywhere; electron-builder derives the .icns,
// .ico and Linux sizes from this file. Run: node build/make-icon.mjs [output.png]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;

// ---- shapes as signed distance functions (negative inside) ----------------------------------

function roundedRect(cx, cy, halfW, halfH, radius) {
  return (x, y) => {
    const qx = Math.abs(x - cx) - (halfW - radius);
    const qy = Math.abs(y - cy) - (halfH - radius);
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
    return outside + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

function circle(cx, cy, r) {
  return (x, y) => Math.hypot(x - cx, y - cy) - r;
}

/** A thick quadratic Bézier, approximated by a polyline fine enough at this size. */
function cord(p0, p1, p2, width) {
  const points = [];
  const steps = 96;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const a = (1 - t) * (1 - t);
    const b = 2 * (1 - t) * t;
    const c = t * t;
    points.push([a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]]);
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const pad = width;
  const box = [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
  return (x, y) => {
    if (x < box[0] || x > box[2] || y < box[1] || y > box[3]) return pad;
    let best = Infinity;
    for (let i = 0; i < points.length - 1; i++) {
      const [ax, ay] = points[i];
      const [bx, by] = points[i + 1];
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      best = Math.min(best, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
    }
    return best - width / 2;
  };
}

// ---- scene -----------------------------------------------------------------------------------

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

const COLS = [312, 512, 712];
const ROWS = [332, 512, 692];
const jack = (c, r) => [COLS[c], ROWS[r]];

const CORDS = [
  { from: jack(0, 0), to: jack(2, 1), sag: [470, 640], color: hex('#f5a623') },
  { from: jack(1, 0), to: jack(0, 2), sag: [330, 560], color: hex('#2ec4b6') },
  { from: jack(2, 0), to: jack(1, 2), sag: [610, 540], color: hex('#ff5a5f') },
];

/** Layers painted bottom to top: [distance function, colour (or function of y), opacity]. */
const layers = [];
const plate = roundedRect(512, 512, 432, 432, 190);
layers.push([plate, (_x, y) => mix(hex('#27313f'), hex('#121820'), y / SIZE), 1]);
layers.push([(x, y) => Math.abs(plate(x, y) + 10) - 3, hex('#3a4656'), 0.9]);
for (const x of COLS) {
  for (const y of ROWS) {
    layers.push([circle(x, y + 6, 62), hex('#000000'), 0.35]);
    layers.push([circle(x, y, 60), hex('#c9d3de'), 1]);
    layers.push([circle(x, y, 44), hex('#8894a3'), 1]);
    layers.push([circle(x, y, 30), hex('#0a0e13'), 1]);
  }
}
for (const c of CORDS) {
  layers.push([cord([c.from[0], c.from[1] + 10], [c.sag[0], c.sag[1] + 10], [c.to[0], c.to[1] + 10], 34), hex('#000000'), 0.3]);
  layers.push([cord(c.from, c.sag, c.to, 30), c.color, 1]);
}
// Plugs last, so no cord runs over a plug.
for (const c of CORDS) {
  for (const [x, y] of [c.from, c.to]) {
    layers.push([circle(x, y, 34), mix(c.color, hex('#000000'), 0.25), 1]);
    layers.push([circle(x, y, 24), c.color, 1]);
    layers.push([circle(x - 7, y - 7, 8), hex('#ffffff'), 0.45]);
  }
}

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

// ---- raster and PNG ----------------------------------------------------------------------------

function render() {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const [sdf, colour, opacity] of layers) {
        const d = sdf(px, py);
        if (d >= 0.5) continue;
        const cover = Math.min(1, 0.5 - d) * opacity;
        const rgb = typeof colour === 'function' ? colour(px, py) : colour;
        // Premultiplied "over".
        r = rgb[0] * cover + r * (1 - cover);
        g = rgb[1] * cover + g * (1 - cover);
        b = rgb[2] * cover + b * (1 - cover);
        a = cover + a * (1 - cover);
      }
      const i = (y * SIZE + x) * 4;
      pixels[i] = a > 0 ? Math.round(r / a) : 0;
      pixels[i + 1] = a > 0 ? Math.round(g / a) : 0;
      pixels[i + 2] = a > 0 ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(pixels, width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    pixels.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'icon.png');
writeFileSync(out, encodePng(render(), SIZE, SIZE));
process.stderr.write(`wrote ${out}\n`);
