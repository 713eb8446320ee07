// Draws the Sporeprint app icons (a spotted mushroom) and writes them as PNGs.
// Plain Node ESM, no dependencies: shapes are signed distance functions, every pixel is
// supersampled for anti-aliasing, and the PNG encoder uses node:zlib and its own CRC32.
//
//   node scripts/make-icons.js
//
// Writes static/icons/icon-192.png, icon-512.png (rounded square, transparent corners),
// maskable-512.png (full-bleed, mushroom inside the central 80% safe zone) and
// apple-touch-icon.png (180 px, opaque). static/favicon.svg is hand-written with the same motif.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'static', 'icons');

// Palette (sRGB). Keep in step with static/favicon.svg.
const BACKGROUND = [0xf4, 0xec, 0xd8]; // cream
const GROUND = [0xe2, 0xd3, 0xb2]; // soft shadow under the stem
const OUTLINE = [0x3a, 0x24, 0x18]; // dark brown outline
const CAP = [0x5b, 0x3a, 0x29]; // theme brown
const GILLS = [0x8a, 0x63, 0x48]; // underside of the cap
const SPOT = [0xf4, 0xec, 0xd8]; // cream spots
const STEM = [0xfb, 0xf6, 0xea]; // pale stem

const SUPERSAMPLE = 5; // 5 x 5 samples per pixel

// ---- signed distance functions (negative inside) -------------------------------------------

function sdCircle(x, y, cx, cy, r) {
  return Math.hypot(x - cx, y - cy) - r;
}

/** Approximate distance to an axis-aligned ellipse; exact enough for edges and thin outlines. */
function sdEllipse(x, y, cx, cy, rx, ry) {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  const k = Math.hypot(dx, dy);
  if (k === 0) return -Math.min(rx, ry);
  const gx = dx / rx;
  const gy = dy / ry;
  return (k * (k - 1)) / Math.hypot(gx, gy);
}

/** Rounded box centred on (cx, cy) with half sizes hx, hy and corner radius r. */
function sdRoundBox(x, y, cx, cy, hx, hy, r) {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

const union = (a, b) => Math.min(a, b);
const intersect = (a, b) => Math.max(a, b);

// ---- the mushroom, in local units (roughly -1..1, y pointing down) ----------------------------

/** Cap: upper half of an ellipse plus a rounded rim band, so the lower corners are round. */
function sdCap(x, y) {
  const dome = intersect(sdEllipse(x, y, 0, 0.02, 0.96, 0.8), y - 0.02);
  const rim = sdRoundBox(x, y, 0, 0.07, 0.96, 0.11, 0.11);
  return union(dome, rim);
}

/** Stem: a slightly flaring trunk with a rounded foot, tucked under the cap. */
function sdStem(x, y) {
  const top = 0.1;
  const bottom = 0.92;
  const t = Math.min(Math.max((y - top) / (bottom - top), 0), 1);
  const halfWidth = 0.27 + 0.07 * t;
  // Distance to the flaring sides, treated as a box of varying width, with a rounded bottom.
  return sdRoundBox(x * (0.31 / halfWidth), y, 0, (top + bottom) / 2, 0.31, (bottom - top) / 2, 0.16);
}

const SPOTS = [
  [-0.52, -0.2, 0.15],
  [0.02, -0.52, 0.13],
  [0.5, -0.22, 0.17],
  [-0.12, -0.12, 0.07],
  [-0.4, -0.53, 0.06],
];

function sdSpots(x, y) {
  let d = Infinity;
  for (const [cx, cy, r] of SPOTS) d = Math.min(d, sdCircle(x, y, cx, cy, r));
  return d;
}

const OUTLINE_WIDTH = 0.06;

/** Paints one sample at local (x, y); returns [r, g, b, a] with a in 0..1. */
function paint(x, y, onBackground) {
  if (!onBackground) return [0, 0, 0, 0];
  let color = BACKGROUND;
  // Soft ground shadow.
  if (sdEllipse(x, y, 0.04, 0.95, 0.62, 0.1) < 0) color = GROUND;
  const cap = sdCap(x, y);
  const stem = sdStem(x, y);
  const body = union(cap, stem);
  if (body < OUTLINE_WIDTH) color = OUTLINE;
  if (stem < 0) color = STEM;
  // Gill shadow where the stem meets the cap.
  if (stem < 0 && sdEllipse(x, y, 0, 0.19, 0.4, 0.06) < 0) color = GILLS;
  if (cap < 0) {
    color = CAP;
    if (intersect(sdSpots(x, y), cap + 0.05) < 0) color = SPOT;
  }
  return [color[0], color[1], color[2], 1];
}

/** The mushroom's support in local units, for the maskable safe-zone check. */
function insideMushroom(x, y) {
  return union(sdCap(x, y), sdStem(x, y)) < OUTLINE_WIDTH || sdEllipse(x, y, 0.04, 0.95, 0.62, 0.1) < 0;
}

// ---- rendering --------------------------------------------------------------------------------

/**
 * @param {number} size  output size in pixels
 * @param {{ fullBleed: boolean, corner: number, scale: number, cx: number, cy: number }} o
 *   corner: corner radius of the rounded-square background (fraction of size, ignored if fullBleed);
 *   scale: size of one local unit as a fraction of the icon; cx, cy: where local (0, 0) sits.
 */
function render(size, o) {
  const rgba = new Uint8Array(size * size * 4);
  const n = SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = (px + (sx + 0.5) / n) / size;
          const v = (py + (sy + 0.5) / n) / size;
          const onBackground = o.fullBleed || sdRoundBox(u, v, 0.5, 0.5, 0.5, 0.5, o.corner) < 0;
          const [cr, cg, cb, ca] = paint((u - o.cx) / o.scale, (v - o.cy) / o.scale, onBackground);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return rgba;
}

/** Throws unless every part of the mushroom lies inside the maskable safe zone (radius 0.4). */
function assertSafeZone(o) {
  const steps = 400;
  let worst = 0;
  for (let j = 0; j <= steps; j++) {
    for (let i = 0; i <= steps; i++) {
      const x = -1.2 + (2.4 * i) / steps;
      const y = -1.2 + (2.4 * j) / steps;
      if (!insideMushroom(x, y)) continue;
      worst = Math.max(worst, Math.hypot(o.cx + x * o.scale - 0.5, o.cy + y * o.scale - 0.5));
    }
  }
  if (worst > 0.4) throw new Error(`mushroom reaches ${worst.toFixed(3)} from the centre; safe zone is 0.4`);
  return worst;
}

// ---- PNG encoding -----------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes RGBA pixels as an 8-bit PNG; with opaque = true, drops alpha (colour type 2, RGB). */
function encodePng(size, rgba, opaque) {
  const channels = opaque ? 3 : 4;
  const stride = size * channels + 1;
  const raw = Buffer.alloc(stride * size);
  for (let y = 0; y < size; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const s = (y * size + x) * 4;
      const d = y * stride + 1 + x * channels;
      raw[d] = rgba[s];
      raw[d + 1] = rgba[s + 1];
      raw[d + 2] = rgba[s + 2];
      if (!opaque) raw[d + 3] = rgba[s + 3];
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = opaque ? 2 : 6; // colour type: RGB or RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- main -------------------------------------------------------------------------------------

const ROUNDED = { fullBleed: false, corner: 0.22, scale: 0.37, cx: 0.5, cy: 0.47 };
const MASKABLE = { fullBleed: true, corner: 0, scale: 0.3, cx: 0.5, cy: 0.475 };
const APPLE = { fullBleed: true, corner: 0, scale: 0.35, cx: 0.5, cy: 0.47 };

const icons = [
  { file: 'icon-192.png', size: 192, options: ROUNDED, opaque: false },
  { file: 'icon-512.png', size: 512, options: ROUNDED, opaque: false },
  { file: 'maskable-512.png', size: 512, options: MASKABLE, opaque: true },
  { file: 'apple-touch-icon.png', size: 180, options: APPLE, opaque: true },
];

const reach = assertSafeZone(MASKABLE);
mkdirSync(OUT_DIR, { recursive: true });
for (const { file, size, options, opaque } of icons) {
  const png = encodePng(size, render(size, options), opaque);
  writeFileSync(join(OUT_DIR, file), png);
  console.log(`wrote static/icons/${file} (${size}x${size}, ${png.length} bytes)`);
}
console.log(`maskable: mushroom reaches ${(reach * 100).toFixed(1)}% of the size from the centre (limit 40%)`);
