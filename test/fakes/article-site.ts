import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";

/** One page the site serves. */
export interface SitePage {
  /** Path on the site, e.g. `/pages/die-partei.net.luebeck.html`. */
  path: string;
  /** The page's bytes as they are served. */
  body: Buffer;
  contentType?: string;
}

/**
 * A loopback web site for the article pipeline's tests and benches: serves the given pages (the
 * shared evaluation pages, say) as a real site would, gzip when asked, plus the misbehaviours the
 * pipeline must survive: `/slow` (one byte every 100 ms, forever), `/loop` (redirects to itself),
 * `/redirect?to=…` (302 to any address), `/bomb` (a gzip bomb: 60 MB of zeros in ~250 kB),
 * `/status/<code>`, `/pdf` (application/pdf), `/big` (12 MB of HTML). Counts requests per path.
 */
export class ArticleSite {
  url = "";
  readonly hits = new Map<string, number>();
  private server: Server | undefined;
  private readonly pages = new Map<string, SitePage>();
  private bomb: Buffer | undefined;

  constructor(pages: Iterable<SitePage> = []) {
    for (const p of pages) this.pages.set(p.path, p);
  }

  /** Paths of the pages it serves, in the order they were added. */
  get paths(): string[] {
    return [...this.pages.keys()];
  }

  /** The text of the page served at `path` (to make an edited version of it). */
  pageBody(path: string): string {
    const page = this.pages.get(path);
    if (!page) throw new Error(`no page at ${path}`);
    return page.body.toString("utf8");
  }

  add(page: SitePage): this {
    this.pages.set(page.path, page);
    return this;
  }

  /** Loads `evaldata.json` pages of the trafilatura set from `dir` as `/pages/<file>`. */
  static fromTrafilatura(dir: string, limit = Number.POSITIVE_INFINITY): ArticleSite {
    const data: Record<string, { file: string }> = JSON.parse(readFileSync(`${dir}/evaldata.json`, "utf8"));
    const site = new ArticleSite();
    for (const { file } of Object.values(data).slice(0, limit)) {
      site.add({
        path: `/pages/${encodeURIComponent(file)}`,
        body: gunzipSync(readFileSync(`${dir}/html/${file}.gz`)),
        contentType: "text/html",
      });
    }
    return site;
  }

  async start(): Promise<this> {
    // Made up front so serving it is instant (the timing under test is the client's, not ours).
    this.bomb ??= gzipSync(Buffer.alloc(60_000_000), { level: 1 });
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://site");
    const path = url.pathname;
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const page = this.pages.get(path);
    if (page) {
      const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
      const body = gzip ? gzipSync(page.body) : page.body;
      res.writeHead(200, {
        "content-type": page.contentType ?? "text/html",
        "content-length": body.byteLength,
        ...(gzip ? { "content-encoding": "gzip" } : {}),
      });
      res.end(body);
      return;
    }
    if (path === "/slow") {
      res.writeHead(200, { "content-type": "text/html" });
      const timer = setInterval(() => res.write(" "), 100);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (path === "/loop") {
      res.writeHead(302, { location: "/loop" }).end();
      return;
    }
    if (path === "/redirect") {
      res.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
      return;
    }
    if (path === "/bomb") {
      this.bomb ??= gzipSync(Buffer.alloc(60_000_000), { level: 1 });
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" }).end(this.bomb);
      return;
    }
    if (path === "/pdf") {
      res.writeHead(200, { "content-type": "application/pdf" }).end("%PDF-1.4\n%âãÏÓ\n");
      return;
    }
    if (path === "/big") {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(`<html><body>${"<p>filler</p>".repeat(1_000_000)}</body></html>`);
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(path)?.[1];
    if (status) {
      res.writeHead(Number(status)).end();
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
}
