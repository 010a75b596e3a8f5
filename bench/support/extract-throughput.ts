// The pipeline's extraction throughput over the trafilatura set: what `links.process` asks of the extractor
// for each page (charset decoding, extraction, sanitising, listing images), either on this thread one page
// at a time (`thread`, main before the worker pool) or through the worker pool (`pool`, LINKS_EXTRACT_WORKERS
// workers, default 2, with twice as many pages in flight). Usage:
//   node --import tsx bench/support/extract-throughput.ts thread|pool [pages]
// Prints one JSON line: { mode, pages, seconds, pagesPerSecond, maxRssMb, failed }.
import {
  type ArticleExtractor,
  inProcessExtractor,
  pooledExtractor,
} from "../../src/modules/links/extraction/extractor.js";
import { loadEvalSet, pageBytes } from "./extraction-corpus.js";

const mode = process.argv[2];
if (mode !== "thread" && mode !== "pool") throw new Error("mode: thread or pool");
const limit = Number(process.argv[3] ?? 990);
const workers = Number(process.env.LINKS_EXTRACT_WORKERS ?? 2);
const pages = loadEvalSet()
  .slice(0, limit)
  .map((p) => ({ url: p.url, bytes: pageBytes(p) }));
const extractor: ArticleExtractor =
  mode === "pool"
    ? pooledExtractor({ workers, heapMb: Number(process.env.LINKS_EXTRACT_HEAP_MB ?? 128) })
    : inProcessExtractor();
// Warm-up (loads the stack: in every worker for the pool), not timed.
await Promise.all(
  Array.from({ length: mode === "pool" ? workers : 1 }, (_, i) =>
    extractor.extract(pages[i] ?? { html: "" }),
  ),
);
let failed = 0;
let next = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const inFlight = mode === "pool" ? workers * 2 : 1;
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    for (let i = next++; i < pages.length; i = next++) {
      const page = pages[i];
      if (!page) continue;
      await extractor.extract({ bytes: page.bytes, url: page.url }).catch(() => {
        failed++;
      });
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await extractor.close();
console.log(
  JSON.stringify({
    mode,
    pages: pages.length,
    seconds: Number(seconds.toFixed(2)),
    pagesPerSecond: Number((pages.length / seconds).toFixed(1)),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    failed,
  }),
);
