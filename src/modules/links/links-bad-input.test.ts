import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleSite } from "../../../test/fakes/article-site.js";
import { appWithAdmin, type Client, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { testConfig } from "../../config.js";

// 50,000 elements in one article.
const HUGE = `<!doctype html><html><head><title>Many Nodes</title></head><body><article><h1>Many Nodes</h1>${Array.from(
  { length: 5_000 },
  (_, i) =>
    `<p>Row ${i} <b>of</b> <i>many</i> <span>small</span> <em>words</em> <a href="/${i}">here</a> <code>x</code> <u>y</u> <s>z</s></p>`,
).join("")}</article></body></html>`;
// Windows-1252 bytes while the server claims UTF-8; the page's own meta says the truth.
const LATIN = Buffer.concat([
  Buffer.from('<!doctype html><html><head><meta charset="windows-1252"><title>Caf'),
  Buffer.from([0xe9]),
  Buffer.from(`</title></head><body><article><h1>Caf`),
  Buffer.from([0xe9]),
  Buffer.from(
    `</h1>${"<p>Un caf\xe9 cr\xe8me, s'il vous pla\xeet, avec un croissant et le journal du matin, sur la terrasse.</p>".repeat(20)}</article></body></html>`,
    "latin1",
  ),
]);

// Real work (a 10 MB body, a decompression bomb, a 50,000-element article): slow on a loaded machine.
describe.each(ENGINES)("bad input to the pipeline (%s)", { timeout: 90_000 }, (engine) => {
  let site: ArticleSite;
  let t: TestApp;
  let c: Client;
  const save = async (url: string) =>
    (await c.request({ method: "POST", url: "/api/links", payload: { url } })).json().id as string;
  const get = async (id: string) => (await c.request({ method: "GET", url: `/api/links/${id}` })).json();

  beforeAll(async () => {
    site = await new ArticleSite([
      { path: "/huge", body: Buffer.from(HUGE) },
      { path: "/latin", body: LATIN, contentType: "text/html; charset=utf-8" },
      { path: "/picture", body: Buffer.from([0x89, 0x50, 0x4e, 0x47]), contentType: "image/png" },
      { path: "/binary", body: Buffer.from([0, 1, 2, 3]), contentType: "application/octet-stream" },
    ]).start();
    ({ t, admin: c } = await appWithAdmin(engine, {
      fetch: {
        ...testConfig().fetch,
        allowHosts: [`127.0.0.1:${new URL(site.url).port}`],
        // Short, so the slow site times out quickly; large enough for a busy machine's loopback.
        timeoutMs: 3_000,
      },
    }));
  });
  afterAll(async () => {
    await t?.close();
    await site?.stop();
  });

  it("gives every link a clear status and crashes on none", async () => {
    const cases: Array<[string, string, RegExp | null]> = [
      ["/big", "failed", /too large \(over 10 MB\)/],
      ["/bomb", "failed", /too large when decompressed/],
      ["/picture", "stored", /an image \(image\/png\): kept/],
      ["/binary", "stored", /not an article \(application\/octet-stream\)/],
      ["/huge", "ready", null],
      ["/latin", "ready", null],
    ];
    const ids = await Promise.all(cases.map(([path]) => save(`${site.url}${path}`)));
    await t.settle();
    for (const [i, [path, status, error]] of cases.entries()) {
      const l = await get(ids[i]!);
      expect(l.status, path).toBe(status);
      if (error) expect(l.error, path).toMatch(error);
      else expect(l.error, path).toBeNull();
    }
    expect((await get(ids[4]!)).wordCount).toBeGreaterThan(30_000);
    const latin = await get(ids[5]!);
    expect(latin.title).toBe("Café");
    expect(latin.html).toContain("crème");
    // A 12 MB page, a 60 MB bomb and 50,000 nodes take their time on a loaded machine.
  }, 180_000);

  it("retries what may pass with backoff, saying so, then gives up with the reason", async () => {
    const slow = await save(`${site.url}/slow`);
    const busy = await save(`${site.url}/status/503`);
    await t.settle();
    expect(await get(slow)).toMatchObject({ status: "pending", error: "timed out after 3 s (trying again)" });
    expect((await get(busy)).error).toMatch(/^503 from the site.*\(trying again\)$/);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(11 * 60_000);
      await t.settle();
    }
    expect(await get(slow)).toMatchObject({ status: "failed", error: "timed out after 3 s" });
    expect((await get(busy)).status).toBe("failed");
    expect(site.hits.get("/status/503")).toBe(4);
  }, 120_000);
});
