import { isUtf8 } from "node:buffer";

/** A byte sequence that is not UTF-8: the 1-based line it is on and the offending byte. */
export interface InvalidUtf8 {
  line: number;
  byte: number;
}

/** Offsets of the bytes that start an invalid UTF-8 sequence (overlongs and surrogates included). */
export function findInvalidUtf8(bytes: Uint8Array, limit = 1000): number[] {
  const bad: number[] = [];
  const n = bytes.length;
  const cont = (at: number, lo = 0x80, hi = 0xbf) => at < n && bytes[at]! >= lo && bytes[at]! <= hi;
  let i = 0;
  while (i < n && bad.length < limit) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Sequence length and the allowed range of the second byte (excludes overlongs and surrogates).
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    }
    // Count the continuation bytes that fit; a cut-short sequence is one error (its maximal subpart).
    let ok = len === 0 ? 0 : 1;
    while (ok > 0 && ok < len && cont(i + ok, ok === 1 ? lo : 0x80, ok === 1 ? hi : 0xbf)) ok++;
    if (len > 0 && ok === len) {
      i += len;
      continue;
    }
    bad.push(i);
    i += Math.max(1, ok);
  }
  return bad;
}

/** How many bytes at the end of `bytes` begin a multi-byte sequence that the next chunk may complete. */
function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let k = 1; k <= Math.min(3, n); k++) {
    const b = bytes[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

/**
 * Decodes a UTF-8 byte stream chunk by chunk without splitting characters across chunk boundaries. Invalid
 * bytes become U+FFFD in the text and are reported with their line, so the caller can refuse the records on
 * those lines instead of importing mojibake. A leading BOM is dropped.
 */
export class Utf8ChunkDecoder {
  private carry: Uint8Array = new Uint8Array(0);
  private line = 1;
  private started = false;

  /** Decodes one chunk; the text may end before the chunk does (an incomplete character waits). */
  decode(chunk: Uint8Array): { text: string; invalid: InvalidUtf8[] } {
    let bytes: Uint8Array = chunk;
    if (this.carry.length > 0) {
      bytes = Buffer.concat([this.carry, chunk]);
    }
    const tail = incompleteTail(bytes);
    this.carry = tail > 0 ? bytes.slice(bytes.length - tail) : new Uint8Array(0);
    return this.convert(tail > 0 ? bytes.subarray(0, bytes.length - tail) : bytes);
  }

  /** Flushes what is left: a character cut off by the end of the file is invalid. */
  end(): { text: string; invalid: InvalidUtf8[] } {
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    return this.convert(rest);
  }

  private convert(bytes: Uint8Array): { text: string; invalid: InvalidUtf8[] } {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    if (!this.started && buf.length > 0) {
      this.started = true;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    const invalid: InvalidUtf8[] = [];
    const body = buf.subarray(start);
    if (!isUtf8(body)) {
      let line = this.line;
      let from = 0;
      for (const at of findInvalidUtf8(body)) {
        for (let nl = body.indexOf(10, from); nl !== -1 && nl < at; nl = body.indexOf(10, nl + 1)) line++;
        from = at;
        invalid.push({ line, byte: body[at]! });
      }
    }
    for (let nl = body.indexOf(10); nl !== -1; nl = body.indexOf(10, nl + 1)) this.line++;
    return { text: body.toString("utf8"), invalid };
  }
}
