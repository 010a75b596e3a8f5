// Draws the app's PNG icons (192 and 512 px, and a maskable 512 with a safe zone) from the same shapes as
// public/icon.svg, with no image library: a pixel test per shape and a minimal PNG encoder (zlib).
// Run once after changing the design: node scripts/make-icons.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const GREEN = [0x2f, 0x5d, 0x50];
const WHITE = [0xff, 0xff, 0xff];
const PALE = [0xd9, 0xec, 0xe4];
const GOLD = [0xe8, 0xa3, 0x3d];

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// Shapes in the 64-unit square of icon.svg (approximating its curves by straight page edges).
function art(u, v) {
  const x = u * 64;
  const y = v * 64;
  if (x >= 38 && x <= 46 && y >= 14 && y <= 28 - (x <= 42 ? (x - 38) * 0.75 : (46 - x) * 0.75)) return GOLD;
  const top = (t) => 18 + t * 3;
  if (x >= 14 && x <= 32) {
    const t = (x - 14) / 18;
    if (y >= top(t) - 1 && y <= 45 + t * 3) return WHITE;
  }
  if (x >= 32 && x <= 50) {
    const t = (50 - x) / 18;
    if (y >= top(t) - 1 && y <= 45 + t * 3) return PALE;
  }
  return null;
}

function rounded(u, v, r) {
  const dx = Math.max(r - u, 0, u - (1 - r));
  const dy = Math.max(r - v, 0, v - (1 - r));
  return dx * dx + dy * dy <= r * r;
}

for (const size of [192, 512]) {
  writeFileSync(
    new URL(`../public/icon-${size}.png`, import.meta.url),
    png(size, (u, v) => {
      if (!rounded(u, v, 14 / 64)) return [0, 0, 0, 0];
      return [...(art(u, v) ?? GREEN), 255];
    }),
  );
}
// Maskable: full bleed, the art shrunk into the central 80% safe zone.
writeFileSync(
  new URL("../public/icon-maskable-512.png", import.meta.url),
  png(512, (u, v) => [...(art((u - 0.5) / 0.8 + 0.5, (v - 0.5) / 0.8 + 0.5) ?? GREEN), 255]),
);
console.log("wrote public/icon-192.png, icon-512.png, icon-maskable-512.png");
