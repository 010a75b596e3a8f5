// `npm run bench -- articles`: extraction quality and speed on the trafilatura evaluation set
// (../shared/data/extraction/trafilatura), Readlog's extractor against plain Readability on
// linkedom in the same run, each in its own child process (clean peak RSS, same heap cap), alternating
// (plain, ours, plain, ours) so load changes fall on both. BENCH_ROUNDS (default 2) pairs.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import { promisify } from "node:util";
import { pipelineFigures } from "./support/articles-pipeline.js";
import { TRAFILATURA_DIR } from "./support/extraction-corpus.js";

const run = promisify(execFile);

interface WorkerResult {
  mode: string;
  pages: number;
  seconds: number;
  tp: number;
  fn: number;
  fp: number;
  maxRssMb: number;
  methods: Record<string, number>;
}

// Both workers get the same V8 heap cap, so peak RSS says what the extractor needs, not how lazily V8
// collects on a 24 GB machine (uncapped, the same run peaks at ~400 MB).
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 160);

async function worker(mode: "readlog" | "readability"): Promise<WorkerResult> {
  const args = [
    `--max-old-space-size=${HEAP_MB}`,
    "--import",
    "tsx",
    "bench/support/extract-worker.ts",
    mode,
  ];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

function summary(runs: WorkerResult[]) {
  const r = runs[0];
  if (!r) throw new Error("no run");
  const precision = r.tp / (r.tp + r.fp);
  const recall = r.tp / (r.tp + r.fn);
  const pps = runs.map((x) => x.pages / x.seconds).sort((a, b) => a - b);
  return {
    f1: Number(((2 * precision * recall) / (precision + recall)).toFixed(4)),
    precision: Number(precision.toFixed(4)),
    recall: Number(recall.toFixed(4)),
    tp: r.tp,
    fn: r.fn,
    fp: r.fp,
    pagesPerSecond: Number((pps[pps.length - 1] ?? 0).toFixed(1)),
    pagesPerSecondRuns: pps.map((p) => Number(p.toFixed(1))),
    peakRssMb: Math.max(...runs.map((x) => x.maxRssMb)),
    methods: r.methods,
  };
}

export default async function articles(): Promise<Record<string, unknown>> {
  if (!existsSync(TRAFILATURA_DIR)) {
    console.log("bench articles skipped: ../shared/data/extraction/trafilatura is absent");
    return { skipped: true };
  }
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  if (rounds === 0) return { pipeline: await pipelineFigures() };
  const loadBefore = os.loadavg()[0] ?? 0;
  const plain: WorkerResult[] = [];
  const ours: WorkerResult[] = [];
  for (let i = 0; i < rounds; i++) {
    plain.push(await worker("readability"));
    ours.push(await worker("readlog"));
    console.log(
      `round ${i + 1}: readability ${(plain.at(-1)?.pages ?? 0) / (plain.at(-1)?.seconds ?? 1)} p/s, readlog ${(ours.at(-1)?.pages ?? 0) / (ours.at(-1)?.seconds ?? 1)} p/s`,
    );
  }
  // The pipeline's extraction throughput (decode, extract, sanitise, list images): on one thread, as main
  // ran it, and through the worker pool (2 workers), alternating, in the same run.
  const throughput: Record<"thread" | "pool", Record<string, number>[]> = { thread: [], pool: [] };
  for (let i = 0; i < Math.max(1, rounds - 1); i++) {
    for (const mode of ["thread", "pool"] as const) {
      const { stdout } = await run(
        process.execPath,
        [
          "--import",
          "tsx",
          "bench/support/extract-throughput.ts",
          mode,
          String(process.env.BENCH_THROUGHPUT_PAGES ?? 990),
        ],
        { maxBuffer: 1 << 20 },
      );
      throughput[mode].push(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"));
    }
  }
  console.log(`pipeline extraction throughput: ${JSON.stringify(throughput)}`);
  // Where the pipeline's extraction time goes (decode, extract, sanitise, images), in the same run.
  const stages = JSON.parse(
    (
      await run(
        process.execPath,
        [
          `--max-old-space-size=${HEAP_MB}`,
          "--import",
          "tsx",
          "bench/support/extract-stages.ts",
          String(process.env.BENCH_STAGE_PAGES ?? 300),
        ],
        { maxBuffer: 1 << 20 },
      )
    ).stdout
      .trim()
      .split("\n")
      .at(-1) ?? "{}",
  );
  console.log(`pipeline extraction stages: ${JSON.stringify(stages)}`);
  const figures = {
    pages: ours[0]?.pages,
    stages,
    throughput,
    readlog: summary(ours),
    readability: summary(plain),
    speedRatio: 0,
    load: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
    heapCapMb: HEAP_MB,
  };
  figures.speedRatio = Number(
    (figures.readlog.pagesPerSecond / figures.readability.pagesPerSecond).toFixed(2),
  );
  console.table({ readlog: figures.readlog, readability: figures.readability });
  console.log(
    `speed ratio readlog/readability ${figures.speedRatio}, load ${figures.load.before.toFixed(1)} → ${figures.load.after.toFixed(1)}`,
  );
  // The pipeline on the real server (BENCH_PIPELINE=0 leaves it out).
  if (process.env.BENCH_PIPELINE === "0") return figures;
  const pipeline = await pipelineFigures();
  console.log(JSON.stringify(pipeline, null, 2));
  return { ...figures, pipeline };
}
