// Where the pipeline's extraction time goes, page by page on the trafilatura set: decoding, extraction
// (linkedom + Readability + pruning), sanitising (DOMPurify on jsdom), listing and rewriting images (as
// links.process does), and the reader text. Usage: node --import tsx bench/support/extract-stages.ts [N]
// Prints one JSON line: milliseconds per stage (sum over the pages) and pages/s for the whole.
import { listImages, rewriteImages } from "../../src/modules/links/extraction/article-images.js";
import { decodeHtml } from "../../src/modules/links/extraction/charset.js";
import { extractArticle } from "../../src/modules/links/extraction/extract-article.js";
import { loadSanitizer } from "../../src/modules/links/extraction/sanitize-html.js";
import { loadEvalSet, pageBytes } from "./extraction-corpus.js";

const limit = Number(process.argv[2] ?? 300);
const pages = loadEvalSet().slice(0, limit);
const sanitizer = await loadSanitizer();
const ms = { decode: 0, extract: 0, sanitize: 0, images: 0 };
const t = () => performance.now();
let total = 0;
for (const page of pages) {
  const bytes = pageBytes(page);
  const t0 = t();
  const html = decodeHtml(bytes).html;
  const t1 = t();
  const a = extractArticle(html, { url: page.url });
  const t2 = t();
  const clean = a.html ? sanitizer.sanitize(a.html) : "";
  const t3 = t();
  if (clean) {
    const urls = listImages(clean, page.url);
    rewriteImages(clean, new Map(urls.map((u, i) => [u, `/read/images/${i}`])), {
      baseUrl: page.url,
      dropUnmapped: true,
    });
  }
  const t4 = t();
  ms.decode += t1 - t0;
  ms.extract += t2 - t1;
  ms.sanitize += t3 - t2;
  ms.images += t4 - t3;
  total += t4 - t0;
}
const round = (x: number) => Math.round(x);
console.log(
  JSON.stringify({
    pages: pages.length,
    ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v)])),
    share: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Number((v / total).toFixed(3))])),
    pagesPerSecond: Number((pages.length / (total / 1000)).toFixed(1)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
