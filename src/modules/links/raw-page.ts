import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { Blobs } from "../../platform/blobs/blobs.js";

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** Keeps a page as fetched, gzip-compressed (the same page twice is one blob). */
export async function keepPage(blobs: Blobs, bytes: Uint8Array): Promise<{ key: string; size: number }> {
  const packed = await zip(bytes, { level: 6 });
  const put = await blobs.put(packed);
  return { key: put.key, size: bytes.byteLength };
}

/** The page kept under `key`, uncompressed; undefined when the blob is gone. */
export async function readPage(blobs: Blobs, key: string): Promise<Buffer | undefined> {
  const packed = await blobs.get(key);
  return packed ? unzip(packed) : undefined;
}
