// The extraction worker thread (see pooledExtractor in extractor.ts): extracts, sanitises and lists the
// images of one page at a time, and rewrites image addresses, with the same code as the calling thread.
import { serveWorker } from "../../../platform/workers/worker-pool.js";
import { type ExtractedPage, type ExtractTask, extractPage } from "./extractor.js";

serveWorker<ExtractTask, ExtractedPage | string>(async (task) => {
  if (task.kind === "extract") return extractPage(task.input);
  const { rewriteImages } = await import("./article-images.js");
  return rewriteImages(task.html, new Map(task.mapping), task.options);
});
