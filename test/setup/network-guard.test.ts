import net from "node:net";
import { describe, expect, it } from "vitest";
import { isLocalTarget } from "./network-guard.js";

function connectError(opts: net.NetConnectOpts): Promise<Error | null> {
  return new Promise((resolve) => {
    const socket = net.connect(opts);
    socket.once("error", (err) => resolve(err));
    socket.once("connect", () => {
      socket.destroy();
      resolve(null);
    });
  });
}

describe("the tests' outbound network guard", () => {
  it("refuses a connection to an address outside this machine, before any packet leaves", async () => {
    const err = await connectError({ host: "203.0.113.7", port: 80 });
    expect(err?.message).toMatch(/unexpected outbound network request from a test: 203\.0\.113\.7:80/);
  });

  it("refuses a host name that would be looked up in DNS", async () => {
    const err = await connectError({ host: "example.com", port: 443 });
    expect(err?.name).toBe("UnexpectedNetworkError");
  });

  it("refuses fetch() to the network too (undici connects through net)", async () => {
    const err = await fetch("http://198.51.100.9:8080/").catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(/unexpected outbound network/);
  });

  it("checks the address a caller's own lookup chose (the safe fetcher pins names this way)", async () => {
    const to = (address: string) =>
      connectError({
        host: "site.test",
        port: 9,
        lookup: (_h, o, cb) =>
          o.all
            ? (cb as (e: null, a: { address: string; family: number }[]) => void)(null, [
                { address, family: 4 },
              ])
            : (cb as (e: null, a: string, f: number) => void)(null, address, 4),
      });
    expect((await to("192.0.2.1"))?.message).toMatch(/unexpected outbound network request.*\(192\.0\.2\.1\)/);
    expect((await to("127.0.0.1"))?.name).not.toBe("UnexpectedNetworkError");
  });

  it("lets loopback through: fakes, PostgreSQL and Redis on 127.0.0.1", async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as net.AddressInfo;
    expect(await connectError({ host: "127.0.0.1", port })).toBeNull();
    expect(await connectError({ host: "localhost", port })).toBeNull();
    await new Promise((r) => server.close(r));
    for (const h of ["127.0.0.1", "127.5.5.5", "::1", "localhost", "api.localhost", "::ffff:127.0.0.1"])
      expect(isLocalTarget(h), h).toBe(true);
    for (const h of [
      "10.0.0.1",
      "192.168.1.1",
      "8.8.8.8",
      "::ffff:10.0.0.1",
      "2001:db8::1",
      "localhost.evil",
    ])
      expect(isLocalTarget(h), h).toBe(false);
  });
});
