import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("saved links in the full export and restore (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t?.close());

  it("round-trips links and tags; the restored links are fetched again", async () => {
    const alice = await newUser(t, { admin });
    await alice.request({
      method: "POST",
      url: "/api/links",
      payload: {
        url: "https://example.com/a?utm_source=x",
        tags: ["Later", "essays"],
        comment: "for Sunday",
      },
    });
    const doc = (await alice.request({ method: "GET", url: "/api/export" })).json();
    expect(doc.links).toMatchObject([
      {
        url: "https://example.com/a?utm_source=x",
        canonicalUrl: "https://example.com/a",
        comment: "for Sunday",
      },
    ]);
    expect(doc.linkTags.map((x: { tag: string }) => x.tag).sort()).toEqual(["Later", "essays"]);
    const bob = await newUser(t, { admin });
    const r = await bob.request({ method: "POST", url: "/api/import", payload: doc });
    expect(r.statusCode, r.body).toBe(201);
    const { items } = (await bob.request({ method: "GET", url: "/api/links" })).json();
    expect(items).toMatchObject([
      {
        canonicalUrl: "https://example.com/a",
        status: "pending",
        tags: ["essays", "Later"],
        comment: "for Sunday",
      },
    ]);
    const jobs = await t.services.queue.counts();
    expect(jobs.waiting + jobs.delayed).toBeGreaterThan(0);
  });

  it("restores a document written before the links module (status saved, URL only), one entry per article", async () => {
    const carol = await newUser(t, { admin });
    const doc = (await carol.request({ method: "GET", url: "/api/export" })).json();
    const old = (url: string, id: string) => ({
      id,
      url,
      status: "saved",
      comment: null,
      source: "telegram",
      createdAt: "2025-05-01T10:00:00.000Z",
    });
    doc.links = [old("https://www.example.org/x?fbclid=1", "0196a8f0-0000-7000-8000-000000000001")];
    doc.linkTags = [];
    const dave = await newUser(t, { admin });
    const r = await dave.request({ method: "POST", url: "/api/import", payload: doc });
    expect(r.statusCode, r.body).toBe(201);
    const { items } = (await dave.request({ method: "GET", url: "/api/links" })).json();
    expect(items).toMatchObject([
      { canonicalUrl: "https://www.example.org/x", site: "example.org", status: "pending" },
    ]);
    // Two rows of the same article are refused, naming the row.
    doc.links = [
      old("https://example.net/y?utm_medium=a", "0196a8f0-0000-7000-8000-000000000002"),
      old("https://example.net/y", "0196a8f0-0000-7000-8000-000000000003"),
    ];
    const eve = await newUser(t, { admin });
    const dup = await eve.request({ method: "POST", url: "/api/import", payload: doc });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().errors[0]).toMatchObject({ field: "/body/links/1", rule: "unique" });
  });
});
