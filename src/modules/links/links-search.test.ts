import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, type TestApp } from "../../../test/support/app.js";
import { SafeFetcher } from "../../platform/fetch/safe-fetcher.js";
import type { SearchDocument, SearchIndex } from "../../platform/search/search-index.js";
import { inProcessExtractor } from "./extraction/extractor.js";
import { HostGate } from "./host-gate.js";
import { LinkPipeline, languageTag } from "./pipeline.js";

const ARTICLE = `<html lang="de"><head><title>Langsam lesen</title></head><body><article><h1>Langsam lesen</h1>
${"<p>Wer langsam liest, behält mehr: ein Absatz über das Lesen, der lang genug für einen Artikel ist.</p>".repeat(20)}
</article></body></html>`;

// The search index comes from the notes module when it is present; here a recorder stands in for it.
describe("saved articles in the search index", () => {
  let t: TestApp;
  let c: Client;
  const docs = new Map<string, SearchDocument>();
  const recorder = {
    upsert: async (d: SearchDocument | readonly SearchDocument[]) => {
      for (const doc of Array.isArray(d) ? d : [d]) docs.set(doc.id, doc as SearchDocument);
    },
  } as unknown as SearchIndex;
  beforeAll(async () => {
    ({ t, admin: c } = await appWithAdmin("sqlite"));
  });
  afterAll(() => t?.close());

  it("keeps a page's language only when it is a BCP 47 tag", () => {
    expect(languageTag("en_US")).toBe("en-US");
    expect(languageTag("DE")).toBe("de");
    expect(languageTag("lang=")).toBeNull();
    expect(languageTag(undefined)).toBeNull();
  });

  it("indexes the title, site, text, tags and language of a readable article", async () => {
    const s = t.services;
    const fetcher = new SafeFetcher();
    const pipeline = new LinkPipeline({
      uow: s.uow,
      repo: s.linksRepo,
      blobs: s.linkBlobs,
      fetcher,
      gate: new HostGate({ concurrency: 1, delayMs: 0 }),
      queue: s.queue,
      clock: s.clock,
      log: { info() {}, warn() {}, error() {} },
      notify: async () => {},
      events: t.assembly.events,
      search: recorder,
      archiveMaxBytes: 0,
      extractor: inProcessExtractor(),
    });
    const r = await c.request({
      method: "POST",
      url: "/api/links",
      payload: { url: "https://blog.example.de/langsam", html: ARTICLE, tags: ["Lesen"] },
    });
    const id = r.json().id;
    await pipeline.process(id, { id: "job", attempt: 1, signal: new AbortController().signal });
    await fetcher.close();
    expect(docs.get(id)).toMatchObject({
      kind: "article",
      ownerId: c.userId,
      title: "Langsam lesen — blog.example.de",
      tags: ["Lesen"],
      language: "de",
    });
    expect(docs.get(id)?.body).toContain("Wer langsam liest");
  });

  it("finds a readable article through GET /api/search (the notes module's index), by its words and tags", async () => {
    const r = await c.request({
      method: "POST",
      url: "/api/links",
      payload: {
        url: "https://blog.example.de/langsam-2",
        html: ARTICLE.replace(/Lesen/g, "Schmökern"),
        tags: ["Sofa"],
      },
    });
    await t.settle();
    const search = async (qs: string) =>
      (await c.request({ method: "GET", url: `/api/search?${qs}` })).json() as {
        hits: { kind: string; id: string }[];
      };
    expect((await search("q=langsam%20liest&kind=article")).hits.map((h) => [h.kind, h.id])).toContainEqual([
      "article",
      r.json().id,
    ]);
    expect((await search("q=behält&tag=sofa")).hits.map((h) => h.id)).toEqual([r.json().id]);
    // Deleted: gone from the index.
    await c.request({ method: "DELETE", url: `/api/links/${r.json().id}` });
    expect((await search("q=behält&tag=sofa")).hits).toEqual([]);
  });
});
