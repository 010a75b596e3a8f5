import { randomBytes } from "node:crypto";

/**
 * UUIDv7s that sort in the order they are made (RFC 9562 §6.2 method 1: a counter after the timestamp),
 * for bulk writes: a book's read-throughs are listed by id, so ids made in one millisecond must still
 * come out oldest first. Each call of the returned function gives the next id.
 */
export function orderedIds(now = Date.now()): () => string {
  let ms = now;
  let counter = 0;
  const tail = randomBytes(7).toString("hex");
  return () => {
    if (counter >= 1 << 18) {
      ms += 1;
      counter = 0;
    }
    const c = counter++;
    const time = ms.toString(16).padStart(12, "0");
    // 12 counter bits in rand_a (after the version nibble 7), 6 more after the variant bits 10.
    const randA = (0x7000 | (c >>> 6)).toString(16);
    const randB = (0x8000 | ((c & 0x3f) << 8) | Number.parseInt(tail.slice(0, 2), 16)).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8)}-${randA}-${randB}-${tail.slice(2)}`;
  };
}
