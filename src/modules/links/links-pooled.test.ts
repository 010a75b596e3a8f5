import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArticleSite } from "../../../test/fakes/article-site.js";
import { type Client, newUser, startTestApp, type TestApp } from "../../../test/support/app.js";
import { testConfig } from "../../config.js";

// The pipeline as the server runs it: extraction, sanitising and image rewriting in the worker pool
// (testConfig extracts on the test's thread; here one worker thread does it).
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);
const paragraph = (n: number) =>
  `<p>Paragraph ${n}: the worker reads the page the pipeline kept and hands back the article, cleaned, with its images listed.</p>`;
const ARTICLE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Off the Main Thread</title></head>
<body><nav><a href="/">Home</a></nav><article><h1>Off the Main Thread</h1>
${Array.from({ length: 20 }, (_, i) => paragraph(i)).join("\n")}
<figure><img src="/dot.png" onerror="alert(1)" alt="a dot"><figcaption>A dot.</figcaption></figure>
<p onclick="alert(1)">The end, with <a href="javascript:alert(1)">a bad link</a> and nothing else to say.</p></article></body></html>`;

describe("saved links extracted in a worker thread", () => {
  let site: ArticleSite;
  let t: TestApp;
  let alice: Client;
  beforeAll(async () => {
    site = new ArticleSite();
    site.add({ path: "/thread", body: Buffer.from(ARTICLE), contentType: "text/html; charset=utf-8" });
    site.add({ path: "/dot.png", body: PNG, contentType: "image/png" });
    await site.start();
    const base = testConfig();
    t = await startTestApp("sqlite", {
      fetch: { ...base.fetch, allowHosts: [`127.0.0.1:${new URL(site.url).port}`], timeoutMs: 10_000 },
      links: { ...base.links, extractWorkers: 1 },
    });
    alice = await newUser(t);
  });
  afterAll(async () => {
    await t?.close();
    await site?.stop();
  });

  it("is readable, sanitised, with its image archived and rewritten", async () => {
    const r = await alice.request({
      method: "POST",
      url: "/api/links",
      payload: { url: `${site.url}/thread` },
    });
    expect(r.statusCode, r.body).toBe(201);
    await t.settle();
    const link = (await alice.request({ method: "GET", url: `/api/links/${r.json().id}` })).json();
    expect(link).toMatchObject({ status: "ready", title: "Off the Main Thread", images: { archived: 1 } });
    expect(link.html).toContain("Paragraph 19");
    expect(link.html).not.toMatch(/<script|onclick|onerror|javascript:/);
    expect(link.html).toMatch(/src="\/read\/images\/[0-9a-f]{64}"/);
  });
});
