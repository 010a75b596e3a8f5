import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  assertBlobKey,
  type BlobKey,
  type BlobSource,
  type BlobStat,
  type Blobs,
  BlobTooLargeError,
  chunksOf,
  type PutResult,
} from "./blobs.js";

/** Blobs in memory: for tests and for a process that keeps nothing. Same contract as FileBlobs. */
export class MemoryBlobs implements Blobs {
  private readonly items = new Map<BlobKey, { bytes: Buffer; storedAt: Date }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async put(source: BlobSource, options: { maxBytes?: number } = {}): Promise<PutResult> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of chunksOf(source)) {
      size += chunk.byteLength;
      if (options.maxBytes !== undefined && size > options.maxBytes)
        throw new BlobTooLargeError(options.maxBytes);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks, size);
    const key = createHash("sha256").update(bytes).digest("hex");
    if (this.items.has(key)) return { key, size, created: false };
    this.items.set(key, { bytes, storedAt: this.now() });
    return { key, size, created: true };
  }

  async get(key: BlobKey): Promise<Buffer | undefined> {
    assertBlobKey(key);
    const item = this.items.get(key);
    return item ? Buffer.from(item.bytes) : undefined;
  }

  async stream(key: BlobKey): Promise<Readable | undefined> {
    const bytes = await this.get(key);
    return bytes ? Readable.from([bytes]) : undefined;
  }

  async has(key: BlobKey): Promise<boolean> {
    assertBlobKey(key);
    return this.items.has(key);
  }

  async stat(key: BlobKey): Promise<BlobStat | undefined> {
    assertBlobKey(key);
    const item = this.items.get(key);
    return item ? { key, size: item.bytes.byteLength, storedAt: item.storedAt } : undefined;
  }

  async delete(key: BlobKey): Promise<boolean> {
    assertBlobKey(key);
    return this.items.delete(key);
  }

  async *keys(): AsyncIterable<BlobKey> {
    yield* [...this.items.keys()];
  }
}
