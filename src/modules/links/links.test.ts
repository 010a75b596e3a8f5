import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleSite } from "../../../test/fakes/article-site.js";
import { type Client, newUser, startTestApp, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { sharedData } from "../../../test/support/shared-data.js";
import { testConfig } from "../../config.js";
import { queueAdoptedLinks } from "./links-sweep.js";

const dir = sharedData("extraction/trafilatura");
if (!dir) console.log("[readlog] links suite skipped: ../shared/data/extraction/trafilatura is absent");

// A 1×1 PNG.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
const paragraph = (n: number) =>
  `<p>Paragraph ${n}: the archive keeps what the reader saved, so that the article still reads when the site is gone and the words stay where they were.</p>`;
const ARTICLE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>On Keeping Things</title>
<link rel="canonical" href="/essay?utm_source=feed">
<meta property="og:site_name" content="Example Essays">
<script>window.evil = 1</script></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>On Keeping Things</h1><p class="byline">By Ada Reader</p>
${Array.from({ length: 30 }, (_, i) => paragraph(i)).join("\n")}
<figure><img src="/img.png" alt="a dot"><figcaption>A dot.</figcaption></figure>
<p onclick="alert(1)">The end, with <a href="javascript:alert(1)">a bad link</a>.</p></article>
<footer>Impressum · Cookies</footer></body></html>`;

describe.skipIf(!dir).each(ENGINES)("saved links on %s", (engine) => {
  let site: ArticleSite;
  let t: TestApp;
  let alice: Client;
  let bob: Client;
  let base = "";
  const save = (c: Client, payload: object) => c.request({ method: "POST", url: "/api/links", payload });
  const get = async (c: Client, id: string) =>
    (await c.request({ method: "GET", url: `/api/links/${id}` })).json();

  beforeAll(async () => {
    site = await ArticleSite.fromTrafilatura(dir ?? "", 3).start();
    site.add({ path: "/essay", body: Buffer.from(ARTICLE), contentType: "text/html; charset=utf-8" });
    site.add({ path: "/img.png", body: PNG, contentType: "image/png" });
    site.add({ path: "/empty", body: Buffer.from("<html><body></body></html>"), contentType: "text/html" });
    base = site.url;
    const port = new URL(base).port;
    t = await startTestApp(engine, {
      // Names resolve to nothing (testConfig); the loopback site is allowed by address and port.
      fetch: { ...testConfig().fetch, allowHosts: [`127.0.0.1:${port}`], timeoutMs: 10_000 },
    });
    alice = await newUser(t);
    bob = await newUser(t, { admin: alice });
  });
  afterAll(async () => {
    await t?.close();
    await site?.stop();
  });

  it("saves, fetches, keeps the page, extracts, archives images and serves the reader view", async () => {
    const r = await save(alice, { url: `${base}/essay?utm_source=x&fbclid=y`, tags: ["Essays", "essays"] });
    expect(r.statusCode, r.body).toBe(201);
    const link = r.json();
    expect(link).toMatchObject({ status: "pending", canonicalUrl: `${base}/essay`, tags: ["Essays"] });
    await t.settle();
    const ready = await get(alice, link.id);
    expect(ready).toMatchObject({
      status: "ready",
      error: null,
      title: "On Keeping Things",
      siteName: "Example Essays",
      lang: "en",
      images: { archived: 1, skipped: 0, bytes: PNG.byteLength },
    });
    expect(ready.readingMinutes).toBeGreaterThan(0);
    expect(ready.html).toContain("Paragraph 29");
    expect(ready.html).not.toMatch(/<script|onclick|javascript:|Impressum/);
    const img = /src="(\/read\/images\/[0-9a-f]{64})"/.exec(ready.html)?.[1];
    expect(img).toBeDefined();
    const served = await alice.request({ method: "GET", url: img as string });
    expect(served.statusCode).toBe(200);
    expect(served.headers["content-type"]).toBe("image/png");
    expect(Buffer.compare(served.rawPayload, PNG)).toBe(0);
    // Another user gets the same 404 as for a missing link, for the link, its page and its images.
    expect((await bob.request({ method: "GET", url: `/api/links/${link.id}` })).statusCode).toBe(404);
    expect((await bob.request({ method: "GET", url: `/read/${link.id}` })).statusCode).toBe(404);
    expect((await bob.request({ method: "GET", url: img as string })).statusCode).toBe(404);

    const page = await alice.request({ method: "GET", url: `/read/${link.id}?size=l&theme=dark` });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'none'");
    expect(csp).toMatch(/sandbox(?! [^;]*allow-scripts)/);
    expect(page.body).toContain('class="size-l theme-dark"');
    expect(page.body).toContain("<h1>On Keeping Things</h1>");
    expect(page.body).not.toContain("<script");
    const css = await t.app.inject({ method: "GET", url: "/read/reader.css" });
    expect(css.statusCode).toBe(200);
    // The owner's clients hear each step (the realtime module relays these events).
    const events = await t.services.db
      .selectFrom("events")
      .select(["name", "payload"])
      .where("aggregate_id", "=", link.id)
      .orderBy("id")
      .execute();
    expect(events.map((e) => e.name)).toEqual(["link.saved", "link.processed"]);
    expect(JSON.parse(String(events[1]?.payload))).toMatchObject({ status: "ready", reextracted: false });
  });

  it("gives one entry for the same article saved twice, or 20 times at once", async () => {
    const url = `${base}/pages/die-partei.net.luebeck.html`;
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) => save(alice, { url: `${url}?utm_campaign=${i}` })),
    );
    expect(all.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(all.filter((r) => r.statusCode === 200)).toHaveLength(19);
    expect(new Set(all.map((r) => r.json().id)).size).toBe(1);
    await t.settle();
    expect(site.hits.get("/pages/die-partei.net.luebeck.html")).toBe(1);
    const link = await get(alice, all[0]!.json().id);
    expect(link.status).toBe("ready");
    expect(link.html).toContain("Die GEMA dreht völlig am Zeiger!");
    // Bob saving it is his own entry.
    expect((await save(bob, { url })).statusCode).toBe(201);
  });

  it("refuses what is not an http(s) URL, and says why a link could not be read", async () => {
    for (const url of ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "not a url"]) {
      const r = await save(alice, { url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().errors[0]).toMatchObject({ field: "/body/url", rule: "http-url" });
    }
    const cases: Array<[string, string, RegExp]> = [
      ["/status/403", "failed", /^403 from the site/],
      ["/pdf", "stored", /PDF document/],
      ["/empty", "failed", /not an article/],
      ["/redirect?to=http://169.254.169.254/latest/meta-data/", "failed", /169\.254\.169\.254 is link-local/],
      ["/redirect?to=http://10.0.0.1/", "failed", /10\.0\.0\.1 is private/],
      ["/loop", "failed", /redirect loop/],
    ];
    const ids = [];
    for (const [path] of cases) ids.push((await save(alice, { url: `${base}${path}` })).json().id);
    // A user's own link to a private address is refused at fetch, with the reason.
    ids.push((await save(alice, { url: "http://127.0.0.1:9/admin" })).json().id);
    ids.push((await save(alice, { url: "http://user:pw@example.com/x" })).json().id);
    await t.settle();
    for (const [i, [path, status, error]] of cases.entries()) {
      const l = await get(alice, ids[i]);
      expect(l.status, path).toBe(status);
      expect(l.error, path).toMatch(error);
    }
    expect((await get(alice, ids[cases.length])).error).toMatch(/127\.0\.0\.1|port/);
    expect((await get(alice, ids[cases.length + 1])).error).toMatch(/credentials|user name/i);
  });

  it("extracts a page the client sent, without fetching it", async () => {
    const r = await save(alice, { url: "https://members.example.org/private/post-1", html: ARTICLE });
    expect(r.statusCode).toBe(201);
    await t.settle();
    const l = await get(alice, r.json().id);
    expect(l).toMatchObject({ status: "ready", title: "On Keeping Things" });
    // Its image is on the (unreachable) members site: left out, counted.
    expect(l.images).toMatchObject({ archived: 0, skipped: 1 });
  });

  it("lists with filters and pages; read state, progress, favourite, archive, tags; delete", async () => {
    const c = await newUser(t, { admin: alice });
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const r = await save(c, {
        url: `https://site${n % 2}.example/${n}`,
        html: ARTICLE.replace("/essay?utm_source=feed", `/${n}`),
        tags: n % 2 ? ["odd"] : [],
      });
      ids.push(r.json().id);
    }
    await t.settle();
    const list = async (qs: string) =>
      (await c.request({ method: "GET", url: `/api/links?${qs}` })).json() as {
        items: { id: string }[];
        nextCursor: string | null;
      };
    expect((await list("")).items.map((i) => i.id)).toEqual([...ids].reverse());
    const first = await list("limit=3");
    expect(first.items).toHaveLength(3);
    const second = await list(`limit=3&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.id)).toEqual([ids[0]]);
    expect((await list("tag=ODD")).items.map((i) => i.id)).toEqual([ids[2], ids[0]]);
    expect((await list("site=www.site0.example")).items.map((i) => i.id)).toEqual([ids[3], ids[1]]);
    expect((await list("q=keeping%20things")).items).toHaveLength(4);
    expect((await list("q=nothing-like-it")).items).toHaveLength(0);

    const patch = (id: string, payload: object) =>
      c.request({ method: "PATCH", url: `/api/links/${id}`, payload });
    const p = await patch(ids[0]!, { progress: 0.5, favourite: true, tags: ["later"] });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ progress: 0.5, favourite: true, tags: ["later"], readAt: null });
    expect(p.json().minutesLeft).toBe(Math.ceil(p.json().readingMinutes * 0.5));
    expect((await patch(ids[1]!, { progress: 1 })).json().readAt).not.toBeNull();
    expect((await list("unread=true")).items.map((i) => i.id)).toEqual([ids[3], ids[2], ids[0]]);
    expect((await list("favourite=true")).items.map((i) => i.id)).toEqual([ids[0]]);
    const archived = await c.request({ method: "POST", url: `/api/links/${ids[3]}/archive` });
    expect(archived.json().archivedAt).not.toBeNull();
    expect((await list("")).items).toHaveLength(3);
    expect((await list("archived=true")).items.map((i) => i.id)).toEqual([ids[3]]);
    await c.request({ method: "POST", url: `/api/links/${ids[3]}/unarchive` });
    expect((await list("")).items).toHaveLength(4);
    expect((await c.request({ method: "GET", url: "/api/links/status" })).json()).toMatchObject({ ready: 4 });

    expect((await c.request({ method: "DELETE", url: `/api/links/${ids[0]}` })).statusCode).toBe(204);
    expect((await c.request({ method: "GET", url: `/api/links/${ids[0]}` })).statusCode).toBe(404);
    expect((await bob.request({ method: "DELETE", url: `/api/links/${ids[1]}` })).statusCode).toBe(404);
  });

  it("re-extracts from the kept page on refetch, without fetching again", async () => {
    const r = await save(alice, { url: `${base}/pages/die-partei.net.luebeck.html?again=1` });
    await t.settle();
    const before = site.hits.get("/pages/die-partei.net.luebeck.html");
    const again = await alice.request({
      method: "POST",
      url: `/api/links/${r.json().id}/refetch`,
      payload: {},
    });
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json().status).toBe("extracting");
    await t.settle();
    expect((await get(alice, r.json().id)).status).toBe("ready");
    expect(site.hits.get("/pages/die-partei.net.luebeck.html")).toBe(before);
    await alice.request({
      method: "POST",
      url: `/api/links/${r.json().id}/refetch`,
      payload: { fetch: true },
    });
    await t.settle();
    expect(site.hits.get("/pages/die-partei.net.luebeck.html")).toBe((before ?? 0) + 1);
  });

  it("re-extracts every link of an older extractor (readlog reextract), from the kept pages", async () => {
    const hits = [...site.hits.values()].reduce((a, b) => a + b, 0);
    const { links, linksRepo } = t.services;
    const mine = (
      await links.list(
        { userId: alice.userId, role: "member", scopes: ["read"], timezone: "UTC" },
        { limit: 200 },
      )
    ).items;
    const ready = mine.filter((i) => i.link.status === "ready");
    expect(await links.reextractAll({ all: false, ownerId: alice.userId })).toBe(0);
    await linksRepo.update(ready[0]!.link.id, { extractor_version: 0 });
    expect(await links.reextractAll({ all: false, ownerId: alice.userId })).toBe(1);
    // Every link with a kept page, the one that was not an article included (a better extractor may read it).
    const kept = mine.filter((i) => i.link.raw_blob && ["ready", "failed"].includes(i.link.status));
    expect(kept.length).toBeGreaterThan(ready.length);
    expect(await links.reextractAll({ all: true, ownerId: alice.userId })).toBe(kept.length);
    await t.settle();
    for (const i of ready) expect((await get(alice, i.link.id)).status).toBe("ready");
    expect([...site.hits.values()].reduce((a, b) => a + b, 0)).toBe(hits);
  });

  it("queues the fetch of links adopted from the text module's table, once", async () => {
    const c = await newUser(t, { admin: alice });
    const r = await save(c, { url: `${base}/essay?adopted=1` });
    // As 0015-links leaves a link saved before the pipeline: pending, marked, no job.
    await t.services.db
      .deleteFrom("jobs")
      .execute()
      .catch(() => undefined);
    await t.services.linksRepo.update(r.json().id, { error_code: "adopted" });
    const d = { uow: t.services.uow, repo: t.services.linksRepo, queue: t.services.queue, log: console };
    expect(await queueAdoptedLinks(d)).toBe(1);
    expect(await queueAdoptedLinks(d)).toBe(0);
    await t.settle();
    expect((await get(c, r.json().id)).status).toBe("ready");
  });

  it("saves links sent as text, replies, and undoes", async () => {
    const c = await newUser(t, { admin: alice });
    const say = async (text: string) =>
      (await c.request({ method: "POST", url: "/api/text", payload: { text } })).json().reply as string;
    expect(await say(`save ${base}/essay?x=1 for the weekend`)).toBe(`Saved for later: ${base}/essay?x=1`);
    expect(await say(`look ${base}/essay?x=1&utm_medium=chat`)).toBe("Already saved for later.");
    await t.settle();
    const { items } = (await c.request({ method: "GET", url: "/api/links" })).json();
    expect(items).toMatchObject([{ status: "ready", comment: "for the weekend", source: "api" }]);
    expect(await say("undo")).toBe("Undone: removed the saved link.");
    expect((await c.request({ method: "GET", url: "/api/links" })).json().items).toEqual([]);
    expect(await say("help")).toContain("any link, or save <link>");
  });

  it("keeps the raw page compressed", async () => {
    const { items } = (
      await alice.request({ method: "GET", url: "/api/links?site=127.0.0.1&q=essay" })
    ).json();
    const row = await t.services.linksRepo.byId(items[0].id);
    const packed = await t.services.linkBlobs.get(row?.raw_blob as string);
    expect(packed?.subarray(0, 2)).toEqual(gzipSync("x").subarray(0, 2));
    expect(row?.raw_bytes).toBe(Buffer.byteLength(ARTICLE));
  });
});
