import type { Readable } from "node:stream";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { FetchError } from "./fetcher.js";

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

export const megabytes = (n: number) => `${Math.round((n / 1_000_000) * 10) / 10} MB`;

/** Reads a body stream up to `maxBytes`; more fails with `too-large` and the stream is destroyed. */
export async function readCapped(body: Readable, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf: Buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.byteLength;
    if (size > maxBytes) {
      discard(body);
      throw new FetchError("too-large", `too large (over ${megabytes(maxBytes)})`, { url });
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Removes the Content-Encoding. The decoder's output is capped at `maxDecoded` (zlib stops
 * allocating there), so a gzip bomb fails as `too large` instead of filling memory.
 */
export async function decodeBody(
  raw: Buffer,
  encoding: string | undefined,
  maxDecoded: number,
  url: string,
): Promise<Buffer> {
  const codings = (encoding ?? "")
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c && c !== "identity");
  let body = raw;
  // Codings are listed in the order they were applied; undo them last first.
  for (const coding of codings.reverse()) {
    const opts = { maxOutputLength: maxDecoded };
    try {
      if (coding === "gzip" || coding === "x-gzip") body = await gunzip(body, opts);
      else if (coding === "br") body = await brotli(body, opts);
      else if (coding === "deflate") {
        // "deflate" should be zlib-wrapped; some servers send raw deflate.
        body = await inflate(body, opts).catch((err: unknown) => {
          if (isTooLarge(err)) throw err;
          return inflateRaw(body, opts);
        });
      } else throw new FetchError("decode", `the site used an unknown content encoding (${coding})`, { url });
    } catch (err) {
      if (err instanceof FetchError) throw err;
      if (isTooLarge(err))
        throw new FetchError("too-large", `too large when decompressed (over ${megabytes(maxDecoded)})`, {
          url,
        });
      throw new FetchError("decode", `could not decompress the page (${coding})`, { url, cause: err });
    }
  }
  return body;
}

function isTooLarge(err: unknown): boolean {
  return (
    err instanceof RangeError ||
    (typeof err === "object" && err !== null && "code" in err && err.code === "ERR_BUFFER_TOO_LARGE")
  );
}

/** Drops a body that will not be read; the abort error undici emits for it is expected. */
export function discard(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}
