import { Type } from "@sinclair/typebox";
import { defineJob } from "../../platform/queue/queue.js";

const LinkRef = Type.Object(
  { linkId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/**
 * Fetches a saved link and keeps the page (gzip) in Blobs, then queues its processing. Network failures
 * that may pass (time-outs, 5xx, 429, connection errors) are retried with backoff; the others fail the link
 * at once with the reason in words.
 */
export const linksFetch = defineJob({
  name: "links.fetch",
  payload: LinkRef,
  policy: {
    attempts: 4,
    backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
    // The fetch's own cap (20 s) plus waiting for a turn at a busy site.
    timeoutMs: 5 * 60_000,
    concurrency: 16,
  },
});

/**
 * Extracts the article from the kept page, sanitises it, archives its images, indexes it and tells the
 * chat that saved it. Re-running it (refetch, `readlog reextract`) re-extracts from the kept page.
 */
export const linksProcess = defineJob({
  name: "links.process",
  payload: LinkRef,
  policy: {
    attempts: 4,
    backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
    timeoutMs: 5 * 60_000,
    // Extraction runs in the worker pool (LINKS_EXTRACT_WORKERS, 2 by default); twice as many jobs keep
    // the workers busy while other jobs archive images, and bound the pages held waiting for a worker.
    concurrency: 4,
  },
});
