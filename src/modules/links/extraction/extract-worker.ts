// The extraction worker thread (see pooledExtractor in extractor.ts): extracts, sanitises and lists the
// images of one page at a time, and rewrites image addresses, with the same code as the calling thread.
import { serveWorker } from "../../../platform/workers/worker-pool.js";
import { type ExtractedPage, type ExtractTask, extractPage, load } from "./extractor.js";

// The stack (linkedom, Readability, jsdom and its window, DOMPurify: ~2 s of CPU) starts loading as soon as
// the worker starts, so a worker warmed while its page downloads (`ArticleExtractor.warm`) is ready for it.
// A failure here is the first task's failure (it awaits the same load).
load().catch(() => {});

serveWorker<ExtractTask, ExtractedPage | string>(async (task) => {
  if (task.kind === "extract") return extractPage(task.input);
  const { rewriteImages } = await import("./article-images.js");
  return rewriteImages(task.html, new Map(task.mapping), task.options);
});
