import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeResolver } from "../../../test/fakes/fake-resolver.js";
import { FetchError } from "./fetcher.js";
import { SafeFetcher, type SafeFetcherOptions } from "./safe-fetcher.js";

// A loopback "web site" reached as site.test through the operator allow-list, as a LAN host would be.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: Server;
let port = 0;
let base = "";
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  base = `http://site.test:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
afterEach(() => {
  seen.length = 0;
});

const open: SafeFetcher[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});
function fetcher(options: SafeFetcherOptions = {}): SafeFetcher {
  const f = new SafeFetcher({
    resolver: new FakeResolver().set("site.test", ["127.0.0.1"]).resolve,
    allowHosts: [`site.test:${port}`],
    ...options,
  });
  open.push(f);
  return f;
}

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  }
  throw new Error("the fetch succeeded");
}

describe("SafeFetcher against a loopback site (allow-listed)", () => {
  it("fetches a page: status, headers, media type and charset, user agent", async () => {
    handler = (_req, res) =>
      res.writeHead(200, { "content-type": "text/html; charset=ISO-8859-1" }).end("<p>hi</p>");
    const res = await fetcher().fetch(`${base}/a#frag`, { accept: ["text/html"] });
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/a`);
    expect(res.contentType).toBe("text/html");
    expect(res.charset).toBe("ISO-8859-1");
    expect(res.body.toString()).toBe("<p>hi</p>");
    expect(res.redirects).toEqual([]);
    expect(seen[0]?.headers["user-agent"]).toMatch(/^Readlog/);
    expect(seen[0]?.headers.host).toBe(`site.test:${port}`);
  });

  it("the allow-list entry is for that host only: another name on the same address is refused", async () => {
    const f = fetcher({
      resolver: new FakeResolver().set("site.test", ["127.0.0.1"]).set("other.test", ["127.0.0.1"]).resolve,
      allowPorts: [port],
    });
    const err = await failure(f.fetch(`http://other.test:${port}/`));
    expect(err.message).toBe("address 127.0.0.1 is loopback (other.test)");
    expect(seen).toHaveLength(0);
  });

  it("a port allowed for one host is not allowed for others", async () => {
    const err = await failure(fetcher().fetch(`http://example.com:${port}/`));
    expect(err.reason).toBe("port");
  });

  it.each([
    [403, "403 from the site", false],
    [404, "404 from the site", false],
    [429, "429 from the site", true],
    [503, "503 from the site", true],
  ])("status %i fails as “%s”", async (status, message, retryable) => {
    handler = (_req, res) => res.writeHead(status).end("no");
    const err = await failure(fetcher().fetch(`${base}/`));
    expect(err.reason).toBe("status");
    expect(err.message).toBe(message);
    expect(err.status).toBe(status);
    expect(err.retryable).toBe(retryable);
  });

  it("refuses a content type the caller did not accept, and matches wildcards", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-type": "application/pdf" }).end("%PDF-1.4");
    const err = await failure(
      fetcher().fetch(`${base}/x.pdf`, { accept: ["text/html", "application/xhtml+xml"] }),
    );
    expect(err.reason).toBe("content-type");
    expect(err.message).toBe(
      "content type application/pdf is not accepted (wanted text/html, application/xhtml+xml)",
    );
    handler = (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end("png");
    expect((await fetcher().fetch(`${base}/i.png`, { accept: ["image/*"] })).contentType).toBe("image/png");
  });

  it("refuses a body over the cap: declared length, and chunked without a length", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-length": "2000000" }).end(Buffer.alloc(2_000_000));
    const declared = await failure(fetcher({ maxBytes: 1_000_000 }).fetch(`${base}/big`));
    expect(declared.reason).toBe("too-large");
    expect(declared.message).toBe("too large (2 MB, over 1 MB)");
    handler = (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(100_000));
      res.end();
    };
    const chunked = await failure(fetcher({ maxBytes: 1_000_000 }).fetch(`${base}/big`));
    expect(chunked.message).toBe("too large (over 1 MB)");
  });

  it("defaults to a 10 MB cap", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-length": "10000001" }).end();
    expect((await failure(fetcher().fetch(`${base}/big`))).message).toBe("too large (10 MB, over 10 MB)");
  });

  it.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
    ["deflate", deflateSync],
    ["deflate", deflateRawSync],
  ] as const)("decodes %s", async (encoding, compress) => {
    handler = (_req, res) =>
      res.writeHead(200, { "content-encoding": encoding }).end(compress(Buffer.from("<p>compressed</p>")));
    expect((await fetcher().fetch(`${base}/`)).body.toString()).toBe("<p>compressed</p>");
    expect(seen[0]?.headers["accept-encoding"]).toBe("gzip, deflate, br");
  });

  it.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
  ] as const)("stops a %s bomb at the decoded cap", async (encoding, compress) => {
    const bomb = compress(Buffer.alloc(60_000_000));
    expect(bomb.byteLength).toBeLessThan(1_000_000);
    handler = (_req, res) => res.writeHead(200, { "content-encoding": encoding }).end(bomb);
    const err = await failure(fetcher({ maxBytes: 1_000_000 }).fetch(`${base}/bomb`));
    expect(err.reason).toBe("too-large");
    expect(err.message).toBe("too large when decompressed (over 5 MB)");
  });

  it("reports a corrupt body and an unknown encoding", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all");
    expect((await failure(fetcher().fetch(`${base}/`))).message).toBe("could not decompress the page (gzip)");
    handler = (_req, res) => res.writeHead(200, { "content-encoding": "zstd" }).end("x");
    expect((await failure(fetcher().fetch(`${base}/`))).message).toBe(
      "the site used an unknown content encoding (zstd)",
    );
  });

  it("follows up to 5 redirects by hand, relative ones too, and lists them", async () => {
    handler = (req, res) => {
      const n = Number(req.url?.slice(1) || 0);
      if (n < 5)
        res.writeHead(n % 2 ? 301 : 302, { location: n % 2 ? `/${n + 1}` : `${base}/${n + 1}` }).end();
      else res.writeHead(200).end("arrived");
    };
    const res = await fetcher().fetch(`${base}/0`);
    expect(res.body.toString()).toBe("arrived");
    expect(res.url).toBe(`${base}/5`);
    expect(res.redirects).toEqual([0, 1, 2, 3, 4].map((n) => `${base}/${n}`));
  });

  it("refuses a sixth redirect and a redirect loop", async () => {
    handler = (req, res) => res.writeHead(302, { location: `/${Number(req.url?.slice(1) || 0) + 1}` }).end();
    const many = await failure(fetcher().fetch(`${base}/0`));
    expect(many.reason).toBe("too-many-redirects");
    expect(many.message).toBe("more than 5 redirects");
    expect(seen).toHaveLength(6);
    handler = (req, res) => res.writeHead(302, { location: req.url === "/a" ? "/b" : "/a" }).end();
    const loop = await failure(fetcher().fetch(`${base}/a`));
    expect(loop.reason).toBe("redirect-loop");
    expect(loop.message).toBe(`redirect loop at ${base}/a`);
  });

  it("re-checks each hop: scheme, credentials and port of a redirect", async () => {
    for (const [location, reason] of [
      ["file:///etc/passwd", "scheme"],
      [`http://u:p@site.test:${port}/`, "credentials"],
      ["http://site.test:6379/", "port"],
      ["http://[::1]/", "blocked-address"],
    ] as const) {
      handler = (_req, res) => res.writeHead(307, { location }).end();
      expect((await failure(fetcher().fetch(`${base}/`))).reason).toBe(reason);
    }
  });

  it("times out a slow-loris site at the total deadline", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      const timer = setInterval(() => res.write("a"), 50);
      res.on("close", () => clearInterval(timer));
    };
    const err = await failure(fetcher({ timeoutMs: 400 }).fetch(`${base}/slow`));
    expect(err.reason).toBe("timeout");
    expect(err.message).toBe("timed out after 0.4 s");
    expect(err.retryable).toBe(true);
  });

  it("times out a site that never answers, and a per-call deadline overrides the default", async () => {
    handler = () => {};
    const err = await failure(fetcher().fetch(`${base}/never`, { timeoutMs: 300 }));
    expect(err.message).toBe("timed out after 0.3 s");
  });

  it("a refused connection is retryable and says so", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const f = fetcher({ allowHosts: [`site.test:${closedPort}`] });
    const err = await failure(f.fetch(`http://site.test:${closedPort}/`));
    expect(err.reason).toBe("connect");
    expect(err.message).toBe("site.test refused the connection");
    expect(err.retryable).toBe(true);
  });

  it("the caller's signal cancels", async () => {
    handler = () => {};
    const ac = new AbortController();
    const p = fetcher().fetch(`${base}/never`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await failure(p)).reason).toBe("aborted");
  });

  it("HEAD returns headers and no body", async () => {
    handler = (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end();
    const res = await fetcher().fetch(`${base}/`, { method: "HEAD" });
    expect(res.body.byteLength).toBe(0);
    expect(seen[0]?.method).toBe("HEAD");
  });
});

describe("SafeFetcher through a proxy", () => {
  // A minimal CONNECT proxy on loopback that records what it was asked to reach.
  let proxy: Server;
  let proxyUrl = "";
  const tunnels: string[] = [];
  beforeAll(async () => {
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on("connect", (req: IncomingMessage, socket, head) => {
      tunnels.push(req.url ?? "");
      const [host, p] = (req.url ?? "").split(":");
      const upstream = connect(Number(p), host ?? "", () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  });

  it("asks the proxy for the checked address, sending the real name as Host", async () => {
    handler = (_req, res) => res.writeHead(200).end("via proxy");
    const res = await fetcher({ proxy: proxyUrl }).fetch(`${base}/p`);
    expect(res.body.toString()).toBe("via proxy");
    expect(res.url).toBe(`${base}/p`);
    expect(tunnels).toEqual([`127.0.0.1:${port}`]);
    expect(seen[0]?.headers.host).toBe(`site.test:${port}`);
  });

  it("still refuses private addresses, without contacting the proxy", async () => {
    tunnels.length = 0;
    const err = await failure(fetcher({ proxy: proxyUrl }).fetch("http://10.0.0.1/"));
    expect(err.message).toBe("address 10.0.0.1 is private");
    const named = await failure(
      fetcher({
        proxy: proxyUrl,
        resolver: new FakeResolver().set("intranet.test", ["192.168.0.10"]).resolve,
      }).fetch("http://intranet.test/"),
    );
    expect(named.message).toBe("address 192.168.0.10 is private (intranet.test)");
    expect(tunnels).toEqual([]);
  });
});
