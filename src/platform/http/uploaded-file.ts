import type { Readable } from "node:stream";
import type { FastifyRequest } from "fastify";
import { AppError } from "../errors.js";

/**
 * The raw body of a file upload (a route whose content-type parser hands the stream on), checked before a
 * byte is read: 415 unless a stream arrived (with one of `types`, when given), 413 when Content-Length
 * already says it is over `maxBytes` (a body that lies about its length is stopped by the reader's own cap).
 */
export function uploadedFile(
  request: FastifyRequest,
  opts: { maxBytes: number; types?: readonly string[]; hint: string },
): Readable {
  const body = request.body as Readable | undefined;
  const type = String(request.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
  if (typeof body?.[Symbol.asyncIterator] !== "function" || (opts.types && !opts.types.includes(type)))
    throw new AppError(415, "unsupported-media-type", "Unsupported media type", opts.hint);
  const declared = Number(request.headers["content-length"]);
  if (declared > opts.maxBytes)
    throw new AppError(
      413,
      "import-too-large",
      "Import file too large",
      `The file (${declared} bytes) is larger than the ${opts.maxBytes}-byte import limit`,
    );
  return body;
}
