// One extractor over the whole trafilatura set, in its own process so its peak RSS is its own.
// Usage: node --import tsx bench/support/extract-worker.ts readlog|readability
// Prints one JSON line: { mode, pages, seconds, tp, fn, fp, maxRssMb, methods }.
import { decodeHtml } from "../../src/modules/links/extraction/charset.js";
import { extractArticle } from "../../src/modules/links/extraction/extract-article.js";
import { loadEvalSet, pageBytes, score } from "./extraction-corpus.js";

const mode = process.argv[2];
if (mode !== "readlog" && mode !== "readability") throw new Error("mode: readlog or readability");
const pages = loadEvalSet();
let tp = 0;
let fn = 0;
let fp = 0;
let ms = 0;
const methods: Record<string, number> = {};
for (let i = 0; i < pages.length; i++) {
  const page = pages[i];
  if (!page) continue;
  // Both extractors get the same decoded text; only extraction is timed. One page at a time, so the
  // peak RSS is the extractor's, not the corpus's.
  const html = decodeHtml(pageBytes(page)).html;
  const t0 = performance.now();
  const a = extractArticle(html, { url: page.url, plain: mode === "readability" });
  ms += performance.now() - t0;
  methods[a.method] = (methods[a.method] ?? 0) + 1;
  const s = score(page, a.text);
  tp += s.tp;
  fn += s.fn;
  fp += s.fp;
}
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify({ mode, pages: pages.length, seconds: ms / 1000, tp, fn, fp, maxRssMb, methods }));
