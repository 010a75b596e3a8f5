// `npm run bench -- notes`: search over one user's 200,000 highlights and 20,000 notes (real sentences from
// ../shared/data) among 100 users, on SQLite FTS5 (a WAL file) and PostgreSQL (when BENCH_DATABASE_URL or
// TEST_DATABASE_URL is set, or the local default answers) in the same run: indexing rate, index size per
// 1,000 highlights, search p50/p99 for one-word, two-word, phrase and prefix queries (snippets included),
// with a same-run baseline of a LIKE scan on SQLite. Then the parse part of a 10,000-clipping Kindle import
// in a child process (time and peak RSS), against a same-file stream-and-split baseline, and the whole import
// as the API runs it (writes included) on SQLite and PostgreSQL, then the same file again (nothing written).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { transformSync } from "esbuild";
import { sql } from "kysely";
import pg from "pg";
import { markdownToText } from "../src/modules/notes/markdown/markdown-text.js";
import { type Database, openDatabase } from "../src/platform/db/database.js";
import { PostgresSearchIndex } from "../src/platform/search/postgres-search-index.js";
import type { SearchDb } from "../src/platform/search/search-db.js";
import type { SearchDocument, SearchIndex } from "../src/platform/search/search-index.js";
import { up } from "../src/platform/search/search-migrations.js";
import { SqliteSearchIndex } from "../src/platform/search/sqlite-search-index.js";
import { generateClippingsFile } from "./support/kindle-file.js";
import { loadSentences, pick, rng, type Sentence } from "./support/notes-corpus.js";

const MAIN = "user-000";
const HIGHLIGHTS = Number(process.env.BENCH_HIGHLIGHTS ?? 200_000);
const NOTES = Number(process.env.BENCH_NOTES ?? 20_000);
const OTHERS = 99;
const OTHER_DOCS = Number(process.env.BENCH_OTHER_DOCS ?? 1_000);
const BATCH = 1_000;
// Knobs for experiments: which engines, the ranking window, whether to run the Kindle part.
const ENGINES = (process.env.BENCH_ENGINES ?? "sqlite,postgres").split(",");
const RANK_WINDOW_ENV = process.env.BENCH_RANK_WINDOW ? Number(process.env.BENCH_RANK_WINDOW) : undefined;
const KINDLE = process.env.BENCH_KINDLE !== "0";
const SEARCH = process.env.BENCH_SEARCH !== "0";
// A checkout of the baseline (e.g. `git worktree add --detach ../base HEAD~1`, node_modules linked): the
// whole-import part runs it and this checkout alternately, BENCH_IMPORT_ROUNDS pairs (default 2).
const BASE = process.env.BENCH_BASE ? path.resolve(process.env.BENCH_BASE) : undefined;
const IMPORT_ROUNDS = Number(process.env.BENCH_IMPORT_ROUNDS ?? 2);
// BENCH_IMPORT_DIST=1: the whole-import child runs the built app (each checkout's dist/, `npm run build`
// first) as `npm start` does, without tsx in the process (its loader thread and the compiled sources are
// ~70 MB of the child's RSS: 103 MB before an import against ~175 MB under tsx).
const IMPORT_DIST = process.env.BENCH_IMPORT_DIST === "1";
const REPO = path.resolve(new URL("..", import.meta.url).pathname);
const QUERIES = 300;
const WARMUP = 30;
const TAGS = ["philosophy", "history", "science", "favorite", "to-review", "quotes", "work", "ideas"];

function* documents(
  owner: string,
  highlights: number,
  notes: number,
  byLang: Map<string, Sentence[]>,
  seed: number,
) {
  const r = rng(seed);
  const langs = [...byLang.keys()];
  const weights = langs.map((l) => byLang.get(l)!.length);
  const total = weights.reduce((a, b) => a + b, 0);
  const langOf = () => {
    let x = r() * total;
    for (let i = 0; i < langs.length; i++) {
      x -= weights[i]!;
      if (x < 0) return langs[i]!;
    }
    return langs[0]!;
  };
  const books = Array.from({ length: 300 }, (_, i) => ({ id: `${owner}-book-${i}`, lang: langOf() }));
  const day = (n: number) => new Date(Date.UTC(2021, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < highlights + notes; i++) {
    const book = pick(r, books);
    const pool = byLang.get(book.lang)!;
    const note = i >= highlights;
    const tags = r() < 0.3 ? [pick(r, TAGS), ...(r() < 0.3 ? [pick(r, TAGS)] : [])] : [];
    let body: string;
    let title: string | undefined;
    if (note) {
      const paras = Array.from({ length: 1 + Math.floor(r() * 4) }, () =>
        Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, pool).text).join(" "),
      );
      const md = `${paras.join("\n\n")}${r() < 0.3 ? `\n\nSee [[${pick(r, pool).text.split(" ").slice(0, 3).join(" ")}]] and **this**.` : ""}`;
      body = markdownToText(md);
      title = paras[0]!.split(" ").slice(0, 6).join(" ");
    } else {
      body = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, pool).text).join(" ");
    }
    const doc: SearchDocument = {
      kind: note ? "note" : "highlight",
      id: `${owner}-${note ? "n" : "h"}-${i}`,
      ownerId: owner,
      body,
      title,
      tags,
      bookId: book.id,
      date: day(Math.floor(r() * 1800)),
      language: book.lang,
    };
    yield doc;
  }
}

async function* batches(docs: Iterable<SearchDocument>) {
  let batch: SearchDocument[] = [];
  for (const d of docs) {
    batch.push(d);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

interface QuerySet {
  name: string;
  queries: string[];
}

/** Queries drawn from the measured user's own text (what people look for exists in their notes). */
function querySets(sample: SearchDocument[], seed: number): QuerySet[] {
  const r = rng(seed);
  const words = (d: SearchDocument) => d.body.split(/[^\p{L}\p{N}]+/u).filter((w) => /^\p{L}{4,}$/u.test(w));
  const sets: QuerySet[] = [
    { name: "one word", queries: [] },
    { name: "two words", queries: [] },
    { name: "phrase", queries: [] },
    { name: "prefix", queries: [] },
  ];
  while (sets.some((s) => s.queries.length < QUERIES + WARMUP)) {
    const w = words(pick(r, sample));
    if (w.length < 4) continue;
    const at = Math.floor(r() * (w.length - 3));
    if (sets[0]!.queries.length < QUERIES + WARMUP) sets[0]!.queries.push(w[at]!);
    if (sets[1]!.queries.length < QUERIES + WARMUP) sets[1]!.queries.push(`${w[at]} ${w[at + 2]}`);
    // A phrase: three consecutive words of the text as written.
    const raw = pick(r, sample).body.split(/\s+/);
    const p0 = Math.floor(r() * Math.max(1, raw.length - 3));
    const phrase = raw.slice(p0, p0 + 3);
    if (
      phrase.length === 3 &&
      phrase.every((x) => /^\p{L}+$/u.test(x)) &&
      sets[2]!.queries.length < QUERIES + WARMUP
    ) {
      sets[2]!.queries.push(`"${phrase.join(" ")}"`);
    }
    const long = w.find((x) => x.length >= 6);
    if (long && sets[3]!.queries.length < QUERIES + WARMUP) sets[3]!.queries.push(`${long.slice(0, 4)}*`);
  }
  return sets;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
};

async function timeQueries(run: (q: string) => Promise<number>, set: QuerySet) {
  const times: number[] = [];
  let hits = 0;
  for (const [i, q] of set.queries.entries()) {
    const t = performance.now();
    const n = await run(q);
    const ms = performance.now() - t;
    if (i >= WARMUP) {
      times.push(ms);
      hits += n;
    }
  }
  return { p50: pct(times, 50), p99: pct(times, 99), meanHits: Math.round((hits / times.length) * 10) / 10 };
}

async function pgUrl(): Promise<string | undefined> {
  const url =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/test";
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    await c.end();
    return url;
  } catch {
    return undefined;
  }
}

interface Engine {
  name: "sqlite" | "postgres";
  database: Database;
  index: SearchIndex;
  /** Bytes: the documents table (text kept for snippets), the full-text index, and both. */
  size(): Promise<{ documents: number; index: number; total: number }>;
  analyze(): Promise<void>;
  dispose(): Promise<void>;
}

async function sqliteEngine(dir: string): Promise<Engine> {
  const file = path.join(dir, "search.db");
  const database = openDatabase({ database: { kind: "sqlite", file } });
  const db: SearchDb = database.db;
  await up(db, "sqlite");
  return {
    name: "sqlite",
    database,
    index: new SqliteSearchIndex(db, { rankWindow: RANK_WINDOW_ENV }),
    async size() {
      const rows = await sql<{
        name: string;
        bytes: number;
      }>`select name, sum(pgsize) as bytes from dbstat group by name`.execute(db);
      const of = (pred: (n: string) => boolean) =>
        rows.rows.filter((r) => pred(r.name)).reduce((a, r) => a + Number(r.bytes), 0);
      const documents = of(
        (n) => n.startsWith("search_documents") || n === "sqlite_autoindex_search_documents_1",
      );
      const index = of((n) => n.startsWith("search_fts"));
      return { documents, index, total: statSync(file).size };
    },
    async analyze() {
      await sql`insert into search_fts(search_fts) values ('optimize')`.execute(db);
      await sql`analyze`.execute(db);
      await sql`pragma wal_checkpoint(truncate)`.execute(db);
    },
    dispose: () => database.close(),
  };
}

async function postgresEngine(url: string): Promise<Engine> {
  const schema = `bench_notes_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const u = new URL(url);
  u.searchParams.set("options", `-c search_path=${schema}`);
  const database = openDatabase({ database: { kind: "postgres", url: u.toString() } });
  const db: SearchDb = database.db;
  await up(db, "postgres");
  return {
    name: "postgres",
    database,
    index: new PostgresSearchIndex(db, { rankWindow: RANK_WINDOW_ENV }),
    async size() {
      const r = await sql<{ table: number; gin: number; total: number }>`select
        pg_table_size('search_documents') as table,
        pg_relation_size('search_documents_terms_idx') as gin,
        pg_total_relation_size('search_documents') as total`.execute(db);
      const row = r.rows[0]!;
      return { documents: Number(row.table), index: Number(row.gin), total: Number(row.total) };
    },
    async analyze() {
      await sql`vacuum analyze search_documents`.execute(db);
    },
    async dispose() {
      await database.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

async function measureEngine(engine: Engine, byLang: Map<string, Sentence[]>, sets: QuerySet[]) {
  const t0 = performance.now();
  let docs = 0;
  for await (const b of batches(documents(MAIN, HIGHLIGHTS, NOTES, byLang, 1))) {
    await engine.index.upsert(b);
    docs += b.length;
  }
  for (let u = 1; u <= OTHERS; u++) {
    const owner = `user-${String(u).padStart(3, "0")}`;
    for await (const b of batches(
      documents(owner, Math.round(OTHER_DOCS * 0.9), Math.round(OTHER_DOCS * 0.1), byLang, 100 + u),
    )) {
      await engine.index.upsert(b);
      docs += b.length;
    }
  }
  const indexSeconds = (performance.now() - t0) / 1000;
  await engine.analyze();
  const size = await engine.size();
  const perThousand = (bytes: number) => Math.round(((bytes / docs) * 1000) / 1024);
  const search: Record<string, { p50: number; p99: number; meanHits: number }> = {};
  for (const set of sets) {
    search[set.name] = await timeQueries(
      async (q) => (await engine.index.search({ ownerId: MAIN, q, limit: 20 })).hits.length,
      set,
    );
  }
  // A deep page: the third page of the one-word queries (cursor pagination re-ranks each time).
  const paged = await timeQueries(
    async (q) => {
      let page = await engine.index.search({ ownerId: MAIN, q, limit: 20 });
      for (let i = 0; i < 2 && page.nextCursor; i++)
        page = await engine.index.search({ ownerId: MAIN, q, limit: 20, cursor: page.nextCursor });
      return page.hits.length;
    },
    { name: "page 3", queries: sets[0]!.queries.slice(0, 130) },
  );
  return {
    documents: docs,
    indexDocsPerSecond: Math.round(docs / indexSeconds),
    indexSeconds: Math.round(indexSeconds),
    kbPer1000Docs: {
      documentsTable: perThousand(size.documents),
      fullTextIndex: perThousand(size.index),
      total: perThousand(size.total),
    },
    search,
    oneWordPage3: paged,
  };
}

/** Same-run baseline: what search is without a full-text index (LIKE over the owner's rows, newest 20). */
async function likeBaseline(engine: Engine, set: QuerySet) {
  const db: SearchDb = engine.database.db;
  const short = { name: set.name, queries: set.queries.slice(0, WARMUP + 60) };
  return timeQueries(async (q) => {
    const r = await sql<{
      id: string;
    }>`select id from search_documents where owner_id = ${MAIN} and body like ${`%${q}%`}
      order by date desc limit 21`.execute(db);
    return r.rows.length;
  }, short);
}

function child(file: string, mode: "baseline" | "parse") {
  const script = new URL("./support/kindle-parse-child.ts", import.meta.url).pathname;
  const out = execFileSync(process.execPath, ["--import", "tsx", script, file, mode], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

/**
 * The whole import through the notes module (writes included) on a fresh database, and again. `checkout`:
 * the checkout whose code runs (default this one; BENCH_BASE names another, e.g. the parent commit).
 */
function importChild(file: string, where: string, checkout = REPO) {
  // A fresh SQLite file each run (the child creates import.db in the folder it is given).
  if (!where.startsWith("postgres")) where = mkdtempSync(path.join(where, "import-"));
  const script = path.join(checkout, "bench/support/kindle-import-child.ts");
  // Built: this checkout's child (the same measurement on both sides) over the checkout's dist/.
  const args = IMPORT_DIST
    ? [distChild(checkout, path.join(REPO, "bench/support/kindle-import-child.ts"))]
    : ["--import", "tsx", script];
  const out = execFileSync(process.execPath, [...args, file, where], {
    cwd: checkout,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

/** The import child compiled to JavaScript next to the checkout's built app (dist/, git-ignored). */
function distChild(checkout: string, script: string): string {
  if (!existsSync(path.join(checkout, "dist/app/assemble.js")))
    throw new Error(`BENCH_IMPORT_DIST: ${checkout} has no built app (npm run build there first)`);
  const source = readFileSync(script, "utf8").replaceAll('"../../src/', '"./');
  const out = path.join(checkout, "dist/bench-kindle-import-child.mjs");
  writeFileSync(out, transformSync(source, { loader: "ts", format: "esm" }).code);
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s[Math.floor((s.length - 1) / 2)]!;
};

/**
 * The whole import on one engine: with BENCH_BASE, the base checkout and this one alternate
 * (base, this, base, this, … BENCH_IMPORT_ROUNDS pairs), so both see the same machine; each side reports
 * every run and the medians of import time, CPU, peak RSS and re-import time.
 */
function importRuns(file: string, where: string) {
  const side = (checkout: string, runs: Array<Record<string, unknown>>) => {
    const m = (k: string) => median(runs.map((r) => Number(r[k])));
    return {
      checkout,
      commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], {
        cwd: checkout,
        encoding: "utf8",
      }).trim(),
      importMs: m("importMs"),
      importCpuMs: m("importCpuMs"),
      peakRssMb: m("peakRssMb"),
      reimportMs: m("reimportMs"),
      reimportCpuMs: m("reimportCpuMs"),
      reimportRowsWritten: runs.map((r) =>
        Object.values(r.reimportRowsWritten as object).reduce((a, b) => a + b, 0),
      ),
      runs,
    };
  };
  if (!BASE) return importChild(file, where);
  const base: Array<Record<string, unknown>> = [];
  const branch: Array<Record<string, unknown>> = [];
  for (let i = 0; i < IMPORT_ROUNDS; i++) {
    base.push(importChild(file, where, BASE));
    branch.push(importChild(file, where));
    console.log(`import round ${i + 1} on ${where.startsWith("postgres") ? "PostgreSQL" : "SQLite"}:`, {
      base: [base[i]!.importMs, base[i]!.reimportMs],
      branch: [branch[i]!.importMs, branch[i]!.reimportMs],
    });
  }
  return { base: side(BASE, base), branch: side(REPO, branch) };
}

export default async function notesBench() {
  const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
  const loadBefore = load();
  const sentences = loadSentences();
  const byLang = new Map<string, Sentence[]>();
  for (const s of sentences) {
    const list = byLang.get(s.lang) ?? [];
    list.push(s);
    byLang.set(s.lang, list);
  }
  for (const [l, list] of byLang) if (list.length < 200) byLang.delete(l);
  const corpus = Object.fromEntries([...byLang].map(([l, list]) => [l, list.length]));
  console.log(`corpus: ${sentences.length} sentences`, corpus);
  const sample = [...documents(MAIN, HIGHLIGHTS, NOTES, byLang, 1)].filter((_, i) => i % 97 === 0);
  const sets = querySets(sample, 3);

  const dir = mkdtempSync(path.join(tmpdir(), "readlog-bench-notes-"));
  const engines: Record<string, unknown> = {};
  try {
    if (SEARCH && ENGINES.includes("sqlite")) {
      const lite = await sqliteEngine(dir);
      console.log("indexing on SQLite…");
      engines.sqlite = {
        ...(await measureEngine(lite, byLang, sets)),
        likeBaselineOneWord: await likeBaseline(lite, sets[0]!),
      };
      console.log(JSON.stringify(engines.sqlite));
      await lite.dispose();
    }
    const url = ENGINES.includes("postgres") ? await pgUrl() : undefined;
    if (SEARCH && url) {
      const pgEngine = await postgresEngine(url);
      console.log("indexing on PostgreSQL…");
      try {
        engines.postgres = await measureEngine(pgEngine, byLang, sets);
        console.log(JSON.stringify(engines.postgres));
      } finally {
        await pgEngine.dispose();
      }
    } else if (!url)
      console.log(
        `PostgreSQL ${ENGINES.includes("postgres") ? "not reachable" : "not asked for"}: its figures are skipped`,
      );

    if (!KINDLE)
      return { loadBefore, loadAfter: load(), corpus, rankWindow: RANK_WINDOW_ENV ?? "default", engines };
    const file = path.join(dir, "My Clippings.txt");
    writeFileSync(file, generateClippingsFile(10_000, sentences));
    const kindle = {
      entries: 10_000,
      fileMb: Math.round((statSync(file).size / 1024 / 1024) * 10) / 10,
      baselineStreamSplit: child(file, "baseline"),
      parse: child(file, "parse"),
      importSqlite: ENGINES.includes("sqlite") ? importRuns(file, dir) : undefined,
      importPostgres: url ? importRuns(file, url) : undefined,
    };
    console.log(JSON.stringify(kindle));
    return {
      loadBefore,
      loadAfter: load(),
      corpus,
      highlights: HIGHLIGHTS,
      notes: NOTES,
      otherUsers: OTHERS,
      otherDocsEach: OTHER_DOCS,
      engines,
      kindle,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
