import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

const fixture = (name: string) => readFileSync(`test/fixtures/imports/${name}`);

describe.each(ENGINES)("link imports through the API (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t?.close());

  const send = (c: Client, format: string, body: Buffer, type: string, dryRun = false) =>
    c.request({
      method: "POST",
      url: `/api/links/imports/${format}?dryRun=${dryRun}`,
      headers: { "content-type": type },
      payload: body,
    });

  it("imports a Pocket CSV: dry run first, per-row problems, states and tags; a second run changes nothing", async () => {
    const c = await newUser(t, { admin });
    const csv = fixture("pocket-export.csv");
    const dry = await send(c, "pocket", csv, "text/csv", true);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, saved: 5, existing: 0 });
    expect(dry.json().problems.map((p: { line: number; rule: string }) => `${p.line} ${p.rule}`)).toContain(
      "5 http-url",
    );
    expect((await c.request({ method: "GET", url: "/api/links" })).json().items).toEqual([]);

    const real = (await send(c, "pocket", csv, "text/csv")).json();
    expect(real).toMatchObject({ dryRun: false, saved: 5, existing: 0, rowsWithProblems: 1 });
    expect(real.problemCount).toBe(dry.json().problemCount);
    const again = (await send(c, "pocket", csv, "text/csv")).json();
    expect(again).toMatchObject({ saved: 0, existing: 5 });

    const all = (await c.request({ method: "GET", url: "/api/links?archived=true" })).json().items;
    expect(all.map((l: { canonicalUrl: string }) => l.canonicalUrl)).toEqual([
      "https://example.org/slow-reading",
    ]);
    const list = (await c.request({ method: "GET", url: "/api/links?limit=10" })).json().items;
    const great = list.find((l: { url: string }) => l.url === "https://paulgraham.com/greatwork.html");
    expect(great).toMatchObject({
      title: "How to Do Great Work",
      tags: ["career", "essays"],
      source: "import",
      status: "pending",
      createdAt: "2023-07-01T00:00:00.000Z",
    });
    expect((await c.request({ method: "GET", url: "/api/links/status" })).json()).toMatchObject({
      pending: 5,
    });
  });

  it("imports bookmarks, Instapaper and Omnivore files; refuses what no parser reads", async () => {
    const c = await newUser(t, { admin });
    for (const [format, file, type] of [
      ["bookmarks", "bookmarks-firefox.html", "text/html"],
      ["instapaper", "instapaper-export.csv", "text/csv"],
      ["omnivore", "omnivore-export.zip", "application/zip"],
    ] as const) {
      const r = await send(c, format, fixture(file), type);
      expect(r.statusCode, `${format}: ${r.body}`).toBe(200);
      expect(r.json().saved + r.json().existing, format).toBeGreaterThan(0);
    }
    const bad = (await send(c, "omnivore", Buffer.from("not a zip"), "application/zip")).json();
    expect(bad.saved).toBe(0);
    expect(bad.problems[0]).toMatchObject({ field: "file" });
    const reader = await t.app.inject({
      method: "POST",
      url: "/api/links/imports/pocket",
      headers: { "content-type": "text/csv" },
      payload: "url\n",
    });
    expect(reader.statusCode).toBe(401);
  });
});
