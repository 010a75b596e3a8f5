import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extract } from "../../src/modules/links/extraction/extractor.js";
import { FetchError } from "../../src/platform/fetch/fetcher.js";
import { SafeFetcher } from "../../src/platform/fetch/safe-fetcher.js";
import { sharedData } from "../support/shared-data.js";
import { ArticleSite } from "./article-site.js";
import { FakeResolver } from "./fake-resolver.js";

// The pipeline's future path, end to end on loopback: Fetcher → extract, against the fake site.
const dir = sharedData("extraction/trafilatura");
if (!dir)
  console.log("[readlog] article site suite skipped: ../shared/data/extraction/trafilatura is absent");

describe.skipIf(!dir)("ArticleSite + SafeFetcher + extract", () => {
  let site: ArticleSite;
  let fetcher: SafeFetcher;
  let base = "";
  beforeAll(async () => {
    site = await ArticleSite.fromTrafilatura(dir ?? "", 3).start();
    const port = new URL(site.url).port;
    base = `http://site.test:${port}`;
    fetcher = new SafeFetcher({
      resolver: new FakeResolver().set("site.test", ["127.0.0.1"]).resolve,
      allowHosts: [`site.test:${port}`],
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    await fetcher.close();
    await site.stop();
  });

  it("serves a shared page (gzip), and the extractor reads it", async () => {
    const res = await fetcher.fetch(`${base}/pages/die-partei.net.luebeck.html`, { accept: ["text/html"] });
    const a = await extract({ bytes: res.body, url: res.url, contentType: res.headers["content-type"] });
    expect(a.text).toContain("Die GEMA dreht völlig am Zeiger!");
    expect(a.text).not.toContain("Impressum");
  });

  it.each([
    ["/slow", "timeout", "timed out after 2 s"],
    ["/loop", "redirect-loop", /redirect loop/],
    ["/bomb", "too-large", "too large when decompressed (over 50 MB)"],
    ["/pdf", "content-type", /application\/pdf is not accepted/],
    ["/big", "too-large", "too large (over 10 MB)"],
    ["/status/403", "status", "403 from the site"],
    [
      "/redirect?to=http://169.254.169.254/latest/meta-data/",
      "blocked-address",
      /169\.254\.169\.254 is link-local/,
    ],
  ])("%s fails as %s", async (path, reason, message) => {
    // Generous per-call time for all but /slow: the machine may be busy; /slow must hit the 2 s cap.
    const timeoutMs = path === "/slow" ? 2_000 : 30_000;
    const err = await fetcher
      .fetch(`${base}${path}`, { accept: ["text/html"], timeoutMs })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    if (!(err instanceof FetchError)) return;
    expect(`${err.reason}: ${err.message}`).toMatch(reason);
    expect(err.message).toMatch(message);
  });
});
