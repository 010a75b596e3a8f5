import { readFileSync } from "node:fs";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOODREADS_HEADER } from "../../bench/support/goodreads-csv.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";
import { progress, readingBook } from "../support/books.js";
import { ENGINES } from "../support/engines.js";
import { type Generator, HOSTILE_STRINGS, mulberry32, valueFor } from "../support/fuzz-values.js";
import type { SchemaNode } from "../support/schema-walk.js";

/**
 * Issue 11, Show: a seeded, bounded fuzz of every operation of the OpenAPI document (the committed
 * openapi.json, which CI checks against the route table). Valid-ish requests with hostile values mixed in
 * (per schema type: oversized strings and arrays, bad days and instants, markup, SQL, wrong types, unknown
 * and missing fields, malformed JSON and escapes), as a member, as the admin, and without credentials.
 * Every answer must be below 500; every error a problem document whose status is the answer's; every
 * error answer under 64 KB. FUZZ_REQUESTS and FUZZ_SEED change the run (a failure prints its seed).
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const ERROR_ANSWER_MAX = 64 * 1024;

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; required?: boolean; schema: SchemaNode }[];
  /** The request body: its media types (the first is the usual one) and the schema. */
  body?: { type: string; types: string[]; schema: SchemaNode };
}

const doc = JSON.parse(readFileSync("openapi.json", "utf8")) as {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Operation["params"]; requestBody?: { content: Record<string, { schema: SchemaNode }> } }
    >
  >;
  components: { schemas: Record<string, SchemaNode> };
};

const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => {
    const [type, content] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
    return {
      method: method.toUpperCase(),
      path,
      params: op.parameters ?? [],
      ...(type && content
        ? { body: { type, types: Object.keys(op.requestBody?.content ?? {}), schema: content.schema } }
        : {}),
    };
  }),
);

const resolve = (s: SchemaNode): SchemaNode => {
  let node = s;
  while (node.$ref) node = doc.components.schemas[node.$ref.replace("#/components/schemas/", "")] ?? {};
  return node;
};

/** Path segments that are hostile as they stand on the wire (not encoded again). */
const RAW_SEGMENTS = ["%zz", "%", "..", "%2e%2e", "a%00b", "%F0%9F%98%80", "x".repeat(150), "%E0%A4%A"];
/** encodeURIComponent, except that a lone surrogate goes out as its WTF-8 bytes (hostile, and not a throw). */
const encode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "%ED%A0%80";
  }
};
const RAW_BODIES = [
  "{",
  "[]",
  "null",
  '"text"',
  "not json",
  '{"a":',
  '{"__proto__":{"admin":true}}',
  "{}".repeat(3),
];

/** A hostile cell of a file (CSV-quoted). */
const cellOf = (g: Generator) => String(valueFor({ type: "string", maxLength: 40 }, g)).replaceAll('"', '""');
const urlOf = (g: Generator) =>
  g.rng() < 0.5
    ? `https://example.com/${Math.floor(g.rng() * 1e6)}`
    : String(valueFor({ type: "string" }, g));

/**
 * The raw body of a file route, by its media type: mostly shaped like the real export (so rows reach the
 * importer), with hostile cells, URLs and bytes; sometimes the file of another format.
 */
function fileBody(path: string, type: string, roll: number, g: Generator): string | Buffer {
  const lines = (n: number, sep: string) =>
    Array.from({ length: n }, () => Array.from({ length: 24 }, () => `"${cellOf(g)}"`).join(sep));
  if (type.includes("csv")) {
    if (path.endsWith("/pocket") && roll < 0.7)
      return `title,url,time_added,cursor,tags,status\n"${cellOf(g)}","${urlOf(g)}",${Math.floor(g.rng() * 2e9)},,"${cellOf(g)}",unread\n`;
    if (path.endsWith("/instapaper") && roll < 0.7)
      return `URL,Title,Selection,Folder,Timestamp,Tags\n"${urlOf(g)}","${cellOf(g)}",,Unread,${Math.floor(g.rng() * 2e9)},"[""${cellOf(g)}""]"\n`;
    if (roll < 0.7) return `${GOODREADS_HEADER}\n${lines(2, ",").join("\n")}\n`;
    if (roll < 0.85) return "Book Id,Title,Author\n1,Dune,Frank Herbert\n";
    return cellOf(g);
  }
  if (type === "text/html")
    return roll < 0.8
      ? `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${urlOf(g)}" ADD_DATE="${cellOf(g)}" TAGS="${cellOf(g)}">${cellOf(g)}</A>\n<DT><H3>${cellOf(g)}</H3>\n</DL><p>\n`
      : `<${cellOf(g)}>`;
  if (type === "application/zip")
    return roll < 0.3
      ? readFileSync("test/fixtures/imports/omnivore-export.zip")
      : Buffer.from([0x50, 0x4b, 3, 4, ...Array.from({ length: 64 }, () => Math.floor(g.rng() * 256))]);
  if (type === "application/json")
    return JSON.stringify([
      {
        url: urlOf(g),
        title: valueFor({ type: "string" }, g),
        state: cellOf(g),
        labels: [{ name: cellOf(g) }],
      },
    ]);
  return `${lines(3, " ").join("\n==========\n")}\n`;
}

describe.each(ENGINES)("fuzzing every route of the OpenAPI document (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let member: Client;
  /** Ids of real objects, so some requests reach an existing row rather than a 404. */
  const known: string[] = [];

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    member = await newUser(t, { admin });
    for (const c of [admin, member]) {
      const book = await readingBook(c, { title: "Dune", totalPages: 412 });
      known.push(book.id);
      await progress(c, book.id, { page: 40 });
      const readings = (await c.request({ method: "GET", url: `/api/books/${book.id}/readings` })).json();
      for (const r of readings.items ?? []) known.push(r.id);
      const schedule = await c.request({
        method: "POST",
        url: "/api/schedules",
        payload: { when: { daily: "08:00" } },
      });
      if (schedule.statusCode === 201) known.push(schedule.json().id);
    }
  });
  afterAll(() => t.close());

  it(`answers ${REQUESTS} generated requests (seed ${SEED}) with no 5xx, and every error as a bounded problem`, {
    timeout: 600_000,
  }, async () => {
    const rng = mulberry32(SEED);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const op = operations[i % operations.length]!;
      const g: Generator = { rng, hostility: rng() < 0.6 ? 0.03 : 0.3, resolve };

      let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const param = op.params.find((p) => p.in === "path" && p.name === name);
        const roll = rng();
        if (roll < 0.1) return RAW_SEGMENTS[Math.floor(rng() * RAW_SEGMENTS.length)]!;
        if (name === "id" && roll < 0.5 && known.length > 0) return known[Math.floor(rng() * known.length)]!;
        if (name === "year" && roll < 0.7) return String(2000 + Math.floor(rng() * 40));
        return encode(String(param ? valueFor(param.schema, g) : "x"));
      });
      const query = new URLSearchParams();
      for (const p of op.params.filter((x) => x.in === "query"))
        if (p.required || rng() < 0.5) query.append(p.name, String(valueFor(p.schema, g)));
      if (rng() < 0.05) query.append(`unknown${Math.floor(rng() * 9)}`, "1");
      if (rng() < 0.03) query.append("limit", HOSTILE_STRINGS[Math.floor(rng() * HOSTILE_STRINGS.length)]!);
      if ([...query].length > 0) url += `?${query}`;

      const headers: Record<string, string> = {};
      const who = rng();
      const client = who < 0.45 ? member : who < 0.9 ? admin : undefined;
      if (who >= 0.95) headers.authorization = "Bearer rl_not_a_token";
      const opts: InjectOptions = { method: op.method as InjectOptions["method"], url, headers };
      if (op.body) {
        const roll = rng();
        if (op.body.type !== "application/json") {
          const type = rng() < 0.8 ? op.body.type : op.body.types[Math.floor(rng() * op.body.types.length)]!;
          headers["content-type"] = type;
          opts.payload = fileBody(op.path, type, roll, g);
        } else if (roll < 0.08) {
          headers["content-type"] = "application/json";
          opts.payload = RAW_BODIES[Math.floor(rng() * RAW_BODIES.length)]!;
        } else if (roll < 0.1) {
          headers["content-type"] = "text/plain";
          opts.payload = "dune 42";
        } else {
          headers["content-type"] = "application/json";
          opts.payload = JSON.stringify(valueFor(op.body.schema, g) ?? null);
        }
      }

      const r = client ? await client.request(opts) : await t.app.inject(opts);
      statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
      const what = `#${i} ${op.method} ${url.slice(0, 200)} ${String(opts.payload ?? "").slice(0, 300)}`;
      if (r.statusCode >= 500) failures.push(`${what} → ${r.statusCode} ${r.body.slice(0, 300)}`);
      if (r.statusCode >= 400) {
        if (!String(r.headers["content-type"]).includes("application/problem+json"))
          failures.push(`${what} → ${r.statusCode} not a problem document: ${r.headers["content-type"]}`);
        else if (JSON.parse(r.body).status !== r.statusCode)
          failures.push(`${what} → ${r.statusCode} but the problem says ${JSON.parse(r.body).status}`);
        if (r.rawPayload.length > ERROR_ANSWER_MAX)
          failures.push(`${what} → ${r.statusCode} answer of ${r.rawPayload.length} bytes`);
      }
    }
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    if (process.env.FUZZ_VERBOSE) console.log(`seed ${SEED}: ${summary}`);
    expect(failures.slice(0, 20), `seed ${SEED}, statuses ${summary}`).toEqual([]);
    // The run reached the routes, not only their validators: some writes and reads succeeded.
    expect([...statuses].filter(([s]) => s < 300).reduce((n, [, k]) => n + k, 0)).toBeGreaterThan(
      REQUESTS / 10,
    );
  });
});
