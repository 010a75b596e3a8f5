// The same-run baseline of the article pipeline bench: the pages of the loopback site fetched and extracted
// by calling the Fetcher and the extractor directly (no HTTP API, queue, database or archive), in a process
// of its own so its RSS is its own. Usage: node --import tsx bench/support/pipeline-baseline.ts latency|burst
// with SITE_URL and SITE_PATHS (JSON) in the environment. Prints one JSON line.
import { extract } from "../../src/modules/links/extraction/extractor.js";
import { FetchError } from "../../src/platform/fetch/fetcher.js";
import { SafeFetcher } from "../../src/platform/fetch/safe-fetcher.js";

const mode = process.argv[2];
const site = String(process.env.SITE_URL);
const paths = JSON.parse(String(process.env.SITE_PATHS)) as string[];
const count = Number(process.env.BENCH_COUNT ?? 100);
const fetcher = new SafeFetcher({ allowHosts: [new URL(site).host] });
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(1));
};

async function one(i: number): Promise<boolean> {
  const url = `${site}${paths[i % paths.length]}?n=${i}`;
  // A kept-alive connection the site closed meanwhile fails once; the pipeline retries such a fetch too.
  const res = await fetcher.fetch(url).catch((err) => {
    if (err instanceof FetchError && err.retryable) return fetcher.fetch(url);
    throw err;
  });
  const a = await extract({ bytes: res.body, url: res.url, contentType: res.headers["content-type"] });
  return a.method !== "none";
}

let out: Record<string, unknown>;
if (mode === "latency") {
  await one(0); // loads the extractor, as the server's first save does
  const ms: number[] = [];
  for (let i = 1; i <= count; i++) {
    const t0 = performance.now();
    await one(i);
    ms.push(performance.now() - t0);
  }
  out = { p50Ms: pct(ms, 50), p99Ms: pct(ms, 99) };
} else {
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const t0 = performance.now();
  let next = 0;
  let read = 0;
  // As many fetches at once as the server's per-site limit in the bench (LINKS_HOST_CONCURRENCY).
  await Promise.all(
    Array.from({ length: Number(process.env.BENCH_PARALLEL ?? 8) }, async () => {
      for (let i = next++; i < count; i = next++) if (await one(i)) read++;
    }),
  );
  clearInterval(sampler);
  const s = (performance.now() - t0) / 1000;
  out = {
    read,
    seconds: Number(s.toFixed(1)),
    perSecond: Number((count / s).toFixed(1)),
    peakRssMb: Math.round(peak / 1_048_576),
  };
}
await fetcher.close();
console.log(JSON.stringify({ mode, ...out }));
process.exit(0);
