import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { type Blobs, BlobTooLargeError } from "../../src/platform/blobs/blobs.js";

/** One empty store per test; `dispose` removes whatever the adapter made (folders, buckets, rows). */
export interface BlobsHarness {
  name: string;
  newStore(): Promise<{ blobs: Blobs; dispose(): Promise<void> }>;
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of keys) out.push(k);
  return out.sort();
}

/** The Blobs port's contract, run against every adapter (test/contract/blobs.test.ts). */
export function blobsContract(h: BlobsHarness): void {
  describe(`Blobs contract: ${h.name}`, () => {
    let dispose: (() => Promise<void>) | undefined;
    async function store(): Promise<Blobs> {
      const s = await h.newStore();
      dispose = s.dispose;
      return s.blobs;
    }
    afterEach(async () => {
      await dispose?.();
      dispose = undefined;
    });

    it("keys content by its SHA-256 and gives the bytes back", async () => {
      const blobs = await store();
      const bytes = Buffer.from("<html>raw page</html>");
      const put = await blobs.put(bytes);
      expect(put).toEqual({ key: sha(bytes), size: bytes.byteLength, created: true });
      expect(await blobs.get(put.key)).toEqual(bytes);
      expect(await blobs.has(put.key)).toBe(true);
      const stat = await blobs.stat(put.key);
      expect(stat?.size).toBe(bytes.byteLength);
      expect(stat?.storedAt).toBeInstanceOf(Date);
    });

    it("keeps one copy per content: a second put of the same bytes creates nothing", async () => {
      const blobs = await store();
      const a = await blobs.put(Buffer.from("same"));
      const b = await blobs.put(Readable.from([Buffer.from("sa"), Buffer.from("me")]));
      expect(b).toEqual({ ...a, created: false });
      expect(await collect(blobs.keys())).toEqual([a.key]);
    });

    it("stores the empty blob", async () => {
      const blobs = await store();
      const put = await blobs.put(Buffer.alloc(0));
      expect(put.key).toBe(sha(Buffer.alloc(0)));
      expect((await blobs.get(put.key))?.byteLength).toBe(0);
    });

    it("streams in and out: 3 MB in many chunks", async () => {
      const blobs = await store();
      const chunks = Array.from({ length: 48 }, (_, i) => Buffer.alloc(65_536, i));
      const whole = Buffer.concat(chunks);
      async function* source() {
        for (const c of chunks) yield c;
      }
      const put = await blobs.put(source());
      expect(put.key).toBe(sha(whole));
      const stream = await blobs.stream(put.key);
      expect(stream).toBeDefined();
      expect((await buffer(stream as Readable)).equals(whole)).toBe(true);
    });

    it("answers undefined / false for an absent key", async () => {
      const blobs = await store();
      const absent = sha(Buffer.from("never stored"));
      expect(await blobs.get(absent)).toBeUndefined();
      expect(await blobs.stream(absent)).toBeUndefined();
      expect(await blobs.stat(absent)).toBeUndefined();
      expect(await blobs.has(absent)).toBe(false);
      expect(await blobs.delete(absent)).toBe(false);
    });

    it("deletes", async () => {
      const blobs = await store();
      const { key } = await blobs.put(Buffer.from("gone soon"));
      expect(await blobs.delete(key)).toBe(true);
      expect(await blobs.has(key)).toBe(false);
      expect(await collect(blobs.keys())).toEqual([]);
      // Putting it again brings it back as new.
      expect((await blobs.put(Buffer.from("gone soon"))).created).toBe(true);
    });

    it("refuses a blob over maxBytes and stores nothing of it", async () => {
      const blobs = await store();
      await expect(
        blobs.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 }),
      ).rejects.toBeInstanceOf(BlobTooLargeError);
      expect(await collect(blobs.keys())).toEqual([]);
      expect((await blobs.put(Buffer.alloc(1000), { maxBytes: 1000 })).created).toBe(true);
    });

    it("a failing source stores nothing", async () => {
      const blobs = await store();
      async function* broken() {
        yield Buffer.from("half");
        throw new Error("connection lost");
      }
      await expect(blobs.put(broken())).rejects.toThrow("connection lost");
      expect(await collect(blobs.keys())).toEqual([]);
    });

    it("concurrent puts of the same content end with one blob", async () => {
      const blobs = await store();
      const bytes = Buffer.alloc(200_000, 7);
      const results = await Promise.all(Array.from({ length: 8 }, () => blobs.put(bytes)));
      expect(new Set(results.map((r) => r.key)).size).toBe(1);
      expect(results.filter((r) => r.created).length).toBeGreaterThanOrEqual(1);
      expect(await collect(blobs.keys())).toEqual([sha(bytes)]);
      expect((await blobs.get(sha(bytes)))?.equals(bytes)).toBe(true);
    });

    it.each(["../../etc/passwd", "ABCDEF", "", `${"a".repeat(63)}/`, "a".repeat(65), `${"0".repeat(63)}G`])(
      "refuses a malformed key %j on every read and delete",
      async (key) => {
        const blobs = await store();
        await expect(blobs.get(key)).rejects.toThrow(RangeError);
        await expect(blobs.has(key)).rejects.toThrow(RangeError);
        await expect(blobs.stat(key)).rejects.toThrow(RangeError);
        await expect(blobs.stream(key)).rejects.toThrow(RangeError);
        await expect(blobs.delete(key)).rejects.toThrow(RangeError);
      },
    );

    it("lists every key", async () => {
      const blobs = await store();
      const keys = await Promise.all(["a", "b", "c"].map(async (s) => (await blobs.put(Buffer.from(s))).key));
      expect(await collect(blobs.keys())).toEqual(keys.sort());
    });
  });
}
