import type { Readable } from "node:stream";

/** A blob's key: the lower-case hex SHA-256 of its bytes (64 characters). */
export type BlobKey = string;

export interface BlobStat {
  key: BlobKey;
  size: number;
  /** When this content was first stored. */
  storedAt: Date;
}

export interface PutResult {
  key: BlobKey;
  size: number;
  /** False when the same content was already stored (nothing new was written). */
  created: boolean;
}

/** What `put` accepts: bytes, or a stream / async iterable of chunks. */
export type BlobSource = Uint8Array | Readable | AsyncIterable<Uint8Array>;

/**
 * The Blobs port: a content-addressed store. The same bytes always get the same key and are kept
 * once; a blob is never half-visible (a reader sees all of it or none); keys are checked, so a key
 * can never name anything outside the store.
 */
export interface Blobs {
  /** Stores the bytes; fails with BlobTooLargeError past `maxBytes` and stores nothing. */
  put(source: BlobSource, options?: { maxBytes?: number }): Promise<PutResult>;
  /** The whole blob, or undefined when there is none under that key. */
  get(key: BlobKey): Promise<Buffer | undefined>;
  /** A stream of the blob, or undefined when there is none under that key. */
  stream(key: BlobKey): Promise<Readable | undefined>;
  has(key: BlobKey): Promise<boolean>;
  stat(key: BlobKey): Promise<BlobStat | undefined>;
  /** Removes the blob; true when there was one. */
  delete(key: BlobKey): Promise<boolean>;
  /** Every key in the store, in no particular order (for garbage collection). */
  keys(): AsyncIterable<BlobKey>;
}

export class BlobTooLargeError extends Error {
  override readonly name = "BlobTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`blob is larger than ${maxBytes} bytes`);
  }
}

const KEY = /^[0-9a-f]{64}$/;

/** Throws unless `key` is a well-formed key (the only check between a key and a file path). */
export function assertBlobKey(key: string): void {
  if (!KEY.test(key)) throw new RangeError(`not a blob key: ${JSON.stringify(key.slice(0, 80))}`);
}

/** Turns any source into chunks. */
export async function* chunksOf(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
}
