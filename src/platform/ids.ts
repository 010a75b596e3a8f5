import { randomFillSync } from "node:crypto";

let lastMs = 0;
// Random bytes drawn 4 KiB at a time (one call to the kernel's generator per 256 ids, not per id).
const pool = Buffer.allocUnsafe(4096);
let poolAt = pool.length;

function random16(): Buffer {
  if (poolAt + 16 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const b = Buffer.allocUnsafe(16);
  pool.copy(b, 0, poolAt, poolAt + 16);
  poolAt += 16;
  return b;
}
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): time-ordered, so ids sort by creation and index well. Monotonic within the
 * process (RFC 9562 §6.2 method 1): ids made in the same millisecond, or while the clock steps back,
 * carry a 12-bit counter seeded at random, so they still sort in creation order.
 */
export function newId(now = Date.now()): string {
  const b = random16();
  if (now > lastMs) {
    lastMs = now;
    counter = b.readUInt16BE(6) & 0x3ff; // leave headroom for 3,000+ more ids in this millisecond
  } else if (++counter > 0xfff) {
    lastMs += 1;
    counter = 0;
  }
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | ((b[8] as number) & 0x3f);
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const ID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";
