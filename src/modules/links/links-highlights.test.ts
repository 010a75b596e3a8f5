import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleSite } from "../../../test/fakes/article-site.js";
import { type Client, newUser, startTestApp, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";
import { sharedData } from "../../../test/support/shared-data.js";
import { testConfig } from "../../config.js";
import { quoteSelector } from "../notes/anchoring/reanchor.js";

const dir = sharedData("extraction/trafilatura");
if (!dir)
  console.log("[readlog] links highlights suite skipped: ../shared/data/extraction/trafilatura is absent");

/** The article's text as a browser holds it in the reader (web/src/lib/quote.ts makes selectors on it). */
function browserText(html: string): string {
  const { document } = new JSDOM(`<div id="a">${html}</div>`).window as unknown as {
    document: { getElementById(id: string): { textContent: string | null } | null };
  };
  return document.getElementById("a")?.textContent ?? "";
}

/**
 * Sentences of the article that the page's HTML holds verbatim, once (so the test can edit the page there),
 * each once in the reader's text too, in reading order.
 */
function editableSentences(page: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-ZÄÖÜ][^.!?<>&\n]{50,160}[.!?]/g)) {
    const s = m[0];
    if (page.split(s).length === 2 && text.split(s).length === 2) out.push(s);
  }
  return out;
}

describe.skipIf(!dir).each(ENGINES)("highlights on a re-extracted article on %s", (engine) => {
  let site: ArticleSite;
  let t: TestApp;
  let alice: Client;

  beforeAll(async () => {
    site = await ArticleSite.fromTrafilatura(dir ?? "", 40).start();
    t = await startTestApp(engine, {
      fetch: {
        ...testConfig().fetch,
        allowHosts: [`127.0.0.1:${new URL(site.url).port}`],
        timeoutMs: 10_000,
      },
    });
    alice = await newUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await site?.stop();
  });

  it("moves highlights with their words, takes corrected wording, orphans deleted passages, never misplaces one", async () => {
    // A real page of the shared set with three sentences far enough apart to edit one each.
    let path = "";
    let sentences: string[] = [];
    let linkId = "";
    let html = "";
    for (const p of site.paths) {
      const saved = await alice.request({
        method: "POST",
        url: "/api/links",
        payload: { url: site.url + p },
      });
      await t.settle();
      const link = (await alice.request({ method: "GET", url: `/api/links/${saved.json().id}` })).json();
      if (link.status !== "ready") continue;
      const page = site.pageBody(p);
      const found = editableSentences(page, browserText(link.html));
      if (found.length >= 6) {
        path = p;
        sentences = [found[1], found[Math.floor(found.length / 2)], found[found.length - 2]] as string[];
        linkId = link.id;
        html = link.html;
        break;
      }
    }
    expect(linkId, "a page of the set with editable sentences").not.toBe("");
    const [moved, corrected, deleted] = sentences as [string, string, string];
    const before = browserText(html);

    // Highlights made as the reader makes them: quote + prefix/suffix + position in the reader's text.
    const highlight = async (exact: string) => {
      const at = before.indexOf(exact);
      const r = await alice.request({
        method: "POST",
        url: "/api/highlights",
        payload: {
          text: exact,
          target: { type: "link", id: linkId },
          location: {
            quote: quoteSelector(before, at, at + exact.length),
            position: { start: at, end: at + exact.length },
            // A client cannot mark its own highlight an orphan.
            orphan: { reason: "not-found", at: new Date().toISOString() },
          },
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().location.orphan).toBeUndefined();
      return r.json() as { id: string; location: { position: { start: number } } };
    };
    const hMoved = await highlight(moved);
    const hCorrected = await highlight(corrected);
    const hDeleted = await highlight(deleted);

    // The site changes the article: words added before the first passage, one word of the second
    // corrected, the third passage gone. The link is fetched again and re-extracted.
    const original = site.pageBody(path);
    const inserted = "A correction was added to this article after it was first published. ";
    const words = corrected.split(" ");
    const mid = Math.floor(words.length / 2);
    const fixedWord = `${words[mid]}s`;
    const fixed = [...words.slice(0, mid), fixedWord, ...words.slice(mid + 1)].join(" ");
    const edited = original
      .replace(moved, inserted + moved)
      .replace(corrected, fixed)
      .replace(deleted, "");
    site.add({ path, body: Buffer.from(edited, "utf8"), contentType: "text/html" });
    const refetch = await alice.request({
      method: "POST",
      url: `/api/links/${linkId}/refetch`,
      payload: { fetch: true },
    });
    expect(refetch.statusCode, refetch.body).toBeLessThan(300);
    await t.settle();
    const link = (await alice.request({ method: "GET", url: `/api/links/${linkId}` })).json();
    expect(link.status).toBe("ready");
    const after = browserText(link.html);
    expect(after).toContain(inserted.trim());
    expect(after).not.toContain(deleted);

    const read = async (id: string) =>
      (await alice.request({ method: "GET", url: `/api/highlights/${id}` })).json();
    const m = await read(hMoved.id);
    expect(m.location.orphan).toBeUndefined();
    expect(m.location.position.start).toBeGreaterThan(hMoved.location.position.start);
    expect(after.slice(m.location.position.start, m.location.position.end)).toBe(moved);
    expect(m.text).toBe(moved.trim());

    const c = await read(hCorrected.id);
    expect(c.location.orphan).toBeUndefined();
    expect(after.slice(c.location.position.start, c.location.position.end)).toBe(fixed);
    expect(c.text).toBe(fixed.trim());
    expect(c.history.map((h: { text: string }) => h.text)).toEqual([corrected.trim()]);

    const d = await read(hDeleted.id);
    expect(d.location.orphan).toMatchObject({ reason: expect.any(String) });
    expect(d.locationLabel).toContain("no longer found");
    // Kept as it was (not pointed at other text), for a later version of the article.
    expect(d.location.quote.exact).toBe(deleted);
    expect(d.text).toBe(deleted.trim());

    // Re-extracting the same kept page (`readlog reextract`, or refetch without fetch) moves nothing.
    const updatedAt = [m.updatedAt, c.updatedAt, d.updatedAt];
    t.services.clock.advance(60_000);
    await alice.request({ method: "POST", url: `/api/links/${linkId}/refetch`, payload: {} });
    await t.settle();
    const again = await Promise.all([hMoved.id, hCorrected.id, hDeleted.id].map(read));
    expect(again.map((h) => h.updatedAt)).toEqual(updatedAt);

    // The page restored: the orphan is found again where it now is.
    site.add({ path, body: Buffer.from(original, "utf8"), contentType: "text/html" });
    await alice.request({ method: "POST", url: `/api/links/${linkId}/refetch`, payload: { fetch: true } });
    await t.settle();
    const back = await read(hDeleted.id);
    expect(back.location.orphan).toBeUndefined();
    expect(back.location.position.start).toBe(before.indexOf(deleted));

    const events = await t.services.db
      .selectFrom("events")
      .select(["payload"])
      .where("aggregate_id", "=", linkId)
      .where("name", "=", "link.processed")
      .orderBy("id")
      .execute();
    expect(events.map((e) => JSON.parse(String(e.payload)).reextracted)).toEqual([false, true, true, true]);
  });
});
