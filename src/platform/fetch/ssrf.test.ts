import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeResolver } from "../../../test/fakes/fake-resolver.js";
import { FetchError, type FetchFailure } from "./fetcher.js";
import { SafeFetcher } from "./safe-fetcher.js";

// Every request here must be refused before any byte leaves the process: the loopback "victim"
// server counts what reaches it and must see nothing.
let victim: Server;
let victimPort = 0;
let victimHits = 0;

beforeAll(async () => {
  victim = createServer((_req, res) => {
    victimHits++;
    res.end("secret");
  });
  await new Promise<void>((r) => victim.listen(0, "127.0.0.1", r));
  victimPort = (victim.address() as AddressInfo).port;
});
afterAll(async () => {
  victim.closeAllConnections();
  await new Promise((r) => victim.close(r));
});

const dns = new FakeResolver()
  .set("example.com", ["93.184.215.14"])
  .set("internal.test", ["10.1.2.3"])
  .set("mixed.test", ["93.184.215.14", "127.0.0.1"])
  .set("mapped.test", ["::ffff:127.0.0.1"])
  .set("metadata.test", ["169.254.169.254"])
  .set("v6local.test", ["fd00::1"])
  .set("127.0.0.1.nip.io", ["127.0.0.1"]);

async function refusal(
  url: string,
  fetcher = new SafeFetcher({ resolver: dns.resolve }),
): Promise<FetchError> {
  try {
    await fetcher.fetch(url);
  } catch (err) {
    if (err instanceof FetchError) return err;
    throw err;
  } finally {
    await fetcher.close();
  }
  throw new Error(`${url} was fetched`);
}

const vectors: [string, FetchFailure, RegExp][] = [
  // The security checklist's list (§7), in its order.
  ["http://127.0.0.1/", "blocked-address", /address 127\.0\.0\.1 is loopback/],
  ["http://localhost/", "blocked-host", /localhost is a local name/],
  ["http://2130706433/", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://0x7f000001/", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://017700000001/", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://127.1/", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://0/", "blocked-address", /0\.0\.0\.0 is unspecified/],
  ["http://[::1]/", "blocked-address", /::1 is loopback/],
  ["http://[::]/", "blocked-address", /:: is unspecified/],
  ["http://[::ffff:127.0.0.1]/", "blocked-address", /IPv4-mapped IPv6 address of 127\.0\.0\.1/],
  ["http://[64:ff9b::a9fe:a9fe]/", "blocked-address", /NAT64/],
  ["http://169.254.169.254/latest/meta-data/", "blocked-address", /169\.254\.169\.254 is link-local/],
  ["http://10.0.0.1/", "blocked-address", /address 10\.0\.0\.1 is private/],
  ["http://192.168.1.1/", "blocked-address", /192\.168\.1\.1 is private/],
  ["file:///etc/passwd", "scheme", /only http and https .*file:/],
  ["gopher://example.com:70/_GET", "scheme", /gopher:/],
  // More spellings and ranges.
  ["http://3232235777/", "blocked-address", /192\.168\.1\.1 is private/],
  ["http://0177.0.0.1/", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://0x7f.0.0.1/", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://127.0.0.1./", "blocked-address", /127\.0\.0\.1 is loopback/],
  ["http://0.0.0.0/", "blocked-address", /unspecified/],
  ["http://localhost./", "blocked-host", /localhost is a local name/],
  ["http://LOCALHOST/", "blocked-host", /localhost is a local name/],
  ["http://api.localhost/", "blocked-host", /local name/],
  ["http://printer.local/", "blocked-host", /local name/],
  ["http://[::ffff:7f00:1]/", "blocked-address", /IPv4-mapped/],
  [
    "http://[0:0:0:0:0:ffff:169.254.169.254]/",
    "blocked-address",
    /IPv4-mapped IPv6 address of 169\.254\.169\.254/,
  ],
  ["http://[::ffff:0:7f00:1]/", "blocked-address", /IPv4-translated/],
  ["http://[::127.0.0.1]/", "blocked-address", /IPv4-compatible/],
  ["http://[2002:7f00:1::]/", "blocked-address", /6to4/],
  ["http://[2001::1]/", "blocked-address", /Teredo/],
  ["http://[fe80::1]/", "blocked-address", /link-local/],
  ["http://[fe80::1%25eth0]/", "invalid-url", /not a valid URL/],
  ["http://[fc00::1]/", "blocked-address", /unique local/],
  ["http://[ff02::1]/", "blocked-address", /multicast/],
  ["http://100.64.0.1/", "blocked-address", /carrier-grade NAT/],
  ["http://224.0.0.1/", "blocked-address", /multicast/],
  ["http://255.255.255.255/", "blocked-address", /broadcast/],
  ["http://192.0.2.1/", "blocked-address", /reserved/],
  ["http://198.18.0.1/", "blocked-address", /reserved/],
  ["http://240.0.0.1/", "blocked-address", /reserved/],
  ["http://user:pass@example.com/", "credentials", /user name or password/],
  ["http://user@example.com/", "credentials", /user name or password/],
  ["http://example.com:8080/", "port", /port 8080 is not allowed/],
  ["http://example.com:22/", "port", /port 22/],
  ["https://example.com:6379/", "port", /port 6379/],
  ["data:text/html,<script>alert(1)</script>", "scheme", /data:/],
  ["javascript:alert(1)", "scheme", /javascript:/],
  ["ftp://example.com/", "scheme", /ftp:/],
  ["not a url", "invalid-url", /not a valid URL/],
];

describe("SafeFetcher refuses SSRF vectors before sending anything", () => {
  it.each(vectors)("%s → %s", async (url, reason, message) => {
    const err = await refusal(url);
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(message);
    expect(err.retryable).toBe(false);
  });

  it.each([
    ["internal.test", /address 10\.1\.2\.3 is private \(internal\.test\)/],
    ["metadata.test", /169\.254\.169\.254 is link-local/],
    ["mapped.test", /IPv4-mapped IPv6 address of 127\.0\.0\.1/],
    ["v6local.test", /fd00::1 is private/],
    ["127.0.0.1.nip.io", /127\.0\.0\.1 is loopback/],
    // One bad answer among good ones refuses the host: the socket could pick any of them.
    ["mixed.test", /127\.0\.0\.1 is loopback \(mixed\.test\)/],
  ])("a name resolving to a refused address (%s)", async (host, message) => {
    const err = await refusal(`http://${host}/`);
    expect(err.reason).toBe("blocked-address");
    expect(err.message).toMatch(message);
  });

  it("an unknown name fails as dns, saying so", async () => {
    const err = await refusal("http://nowhere.test/");
    expect(err.reason).toBe("dns");
    expect(err.message).toBe("no such site: nowhere.test");
  });

  it("never reached the victim server", () => {
    expect(victimPort).toBeGreaterThan(0);
    expect(victimHits).toBe(0);
  });
});

describe("allow-list and redirects", () => {
  it("a public page that 302-redirects to 127.0.0.1 is refused at the redirect", async () => {
    let publicHits = 0;
    const site = createServer((_req, res) => {
      publicHits++;
      res.writeHead(302, { location: `http://127.0.0.1:${victimPort}/secret` }).end();
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    const port = (site.address() as AddressInfo).port;
    // public.test stands for a public site: the allow-list lets it reach loopback, nothing else may.
    const fetcher = new SafeFetcher({
      resolver: new FakeResolver().set("public.test", ["127.0.0.1"]).resolve,
      allowHosts: [`public.test:${port}`],
      allowPorts: [victimPort],
    });
    const err = await refusal(`http://public.test:${port}/article`, fetcher);
    site.closeAllConnections();
    await new Promise((r) => site.close(r));
    expect(publicHits).toBe(1);
    expect(err.reason).toBe("blocked-address");
    expect(err.message).toBe("address 127.0.0.1 is loopback");
    expect(err.url).toBe(`http://127.0.0.1:${victimPort}/secret`);
    expect(victimHits).toBe(0);
  });

  it("DNS that changes to 127.0.0.1 after the first check cannot reach 127.0.0.1", async () => {
    // rebind.test first answers 127.0.0.2 (allowed by range, standing for a public address), then
    // 127.0.0.1. The connection is made to the answer that was checked; a later connection asks
    // again and is refused.
    let goodHits = 0;
    const good = createServer((_req, res) => {
      goodHits++;
      res.writeHead(200, { "content-type": "text/plain", connection: "close" }).end("public");
    });
    await new Promise<void>((r) => good.listen(victimPort, "127.0.0.2", r));
    const dnsRebind = new FakeResolver().set("rebind.test", (n) => (n === 1 ? ["127.0.0.2"] : ["127.0.0.1"]));
    const fetcher = new SafeFetcher({
      resolver: dnsRebind.resolve,
      allowHosts: ["127.0.0.2/32"],
      allowPorts: [victimPort],
    });
    const first = await fetcher.fetch(`http://rebind.test:${victimPort}/`);
    expect(first.body.toString()).toBe("public");
    const err = await refusal(`http://rebind.test:${victimPort}/`, fetcher);
    good.closeAllConnections();
    await new Promise((r) => good.close(r));
    expect(err.reason).toBe("blocked-address");
    expect(err.message).toBe("address 127.0.0.1 is loopback (rebind.test)");
    expect(dnsRebind.calls).toEqual(["rebind.test", "rebind.test"]);
    expect(goodHits).toBe(1);
    expect(victimHits).toBe(0);
  });
});
