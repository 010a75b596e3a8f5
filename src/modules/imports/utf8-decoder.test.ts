import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findInvalidUtf8, Utf8ChunkDecoder } from "./utf8-decoder.js";

function decodeInPieces(bytes: Uint8Array, cuts: number[]) {
  const d = new Utf8ChunkDecoder();
  let text = "";
  const invalid = [];
  let from = 0;
  for (const at of [...cuts, bytes.length].sort((a, b) => a - b)) {
    const r = d.decode(bytes.subarray(from, at));
    text += r.text;
    invalid.push(...r.invalid);
    from = at;
  }
  const r = d.end();
  return { text: text + r.text, invalid: [...invalid, ...r.invalid] };
}

describe("Utf8ChunkDecoder", () => {
  it("never splits a character, wherever the chunks are cut", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.array(fc.nat()), (s, seeds) => {
        const bytes = Buffer.from(`\uFEFF${s}`, "utf8");
        const r = decodeInPieces(
          bytes,
          seeds.map((x) => x % (bytes.length + 1)),
        );
        expect(r).toEqual({ text: s, invalid: [] });
      }),
    );
  });

  it("reports Latin-1 bytes with their line and the offending byte", () => {
    const bytes = Buffer.concat([Buffer.from("ok\nalso ok\n"), Buffer.from("caf\xe9\nfine\n", "latin1")]);
    for (const cut of [0, 5, 14, 15]) {
      const r = decodeInPieces(bytes, [cut]);
      expect(r.invalid).toEqual([{ line: 3, byte: 0xe9 }]);
      expect(r.text).toBe("ok\nalso ok\ncaf\uFFFD\nfine\n");
    }
  });

  it("reports a character cut off by the end of the file", () => {
    const r = decodeInPieces(Buffer.from([0x61, 0x0a, 0xe2, 0x82]), []);
    expect(r.invalid).toEqual([{ line: 2, byte: 0xe2 }]);
  });

  it("finds overlong forms, surrogates and stray continuation bytes", () => {
    expect(findInvalidUtf8(Buffer.from([0xc0, 0xaf, 0x41]))).toEqual([0, 1]);
    expect(findInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toEqual([0, 1, 2]);
    expect(findInvalidUtf8(Buffer.from([0x41, 0x80]))).toEqual([1]);
    expect(findInvalidUtf8(Buffer.from("née 😀", "utf8"))).toEqual([]);
  });

  it("agrees with Node's own isUtf8 on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(findInvalidUtf8(bytes).length === 0).toBe(isUtf8(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
