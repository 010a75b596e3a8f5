import net from "node:net";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, type TestApp } from "../../../test/support/app.js";
import { listenRealtime, type RealtimeTestApp } from "../../../test/support/realtime.js";
import { DEFAULT_LIMITS } from "./gateway.js";

const ANSWER_MAX = 64 * 1024;

async function expectProblem(r: Response, status: number) {
  const text = await r.text();
  expect(r.status, text).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  expect(text.length).toBeLessThan(ANSWER_MAX);
  const doc = JSON.parse(text);
  expect(doc).toMatchObject({ status, type: expect.stringMatching(/^urn:readlog:problem:/) });
  expect(doc.title).toBeTruthy();
  return doc;
}

/** A raw WebSocket upgrade request; resolves with the whole answer (the server closes the connection). */
function upgrade(port: number, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    const lines = Object.entries({
      host: `127.0.0.1:${port}`,
      connection: "Upgrade",
      upgrade: "websocket",
      ...headers,
    })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    socket.write(`GET ${path} HTTP/1.1\r\n${lines}\r\n`);
  });
}

function parseRaw(text: string) {
  const split = text.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body: text.slice(split + 4) };
}

const KEY = { "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" };

/** Issue 11, item 7: Socket.IO's own HTTP answers under /socket.io/ are problem documents too. */
describe("Socket.IO's HTTP errors are problem documents", () => {
  let t: TestApp;
  let admin: Client;
  let rt: RealtimeTestApp;
  let port: number;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin());
    rt = await listenRealtime(t);
    port = Number(new URL(rt.url).port);
  });
  afterAll(() => rt.close());

  const get = (q: string, init?: RequestInit) => fetch(`${rt.url}/socket.io/?${q}`, init);
  /** A long-polling session opened by Engine.IO's handshake (no credentials needed at this level). */
  async function session(): Promise<string> {
    const r = await get("EIO=4&transport=polling");
    expect(r.status).toBe(200);
    return JSON.parse((await r.text()).slice(1)).sid;
  }

  it("unknown transport, unknown session, a POST handshake, an unknown protocol: 400 with Engine.IO's code kept", async () => {
    const cases: [Promise<Response>, string, number][] = [
      [get("EIO=4&transport=carrier-pigeon"), "socket-transport-unknown", 0],
      [get("EIO=4&transport=polling&sid=nope"), "socket-session-unknown", 1],
      [get("EIO=4&transport=polling", { method: "POST", body: "x" }), "socket-bad-handshake-method", 2],
      [get("EIO=9&transport=polling"), "socket-unsupported-protocol", 5],
    ];
    for (const [answer, type, code] of cases) {
      const doc = await expectProblem(await answer, 400);
      expect(doc.type).toBe(`urn:readlog:problem:${type}`);
      // Engine.IO's own members stay, for a client that reads them.
      expect(doc.code).toBe(code);
      expect(doc.message).toBe(doc.detail);
      expect(doc.instance).toBe("/socket.io/");
    }
  });

  it("a method the transport does not use: 405 (Engine.IO itself would answer 500)", async () => {
    const sid = await session();
    for (const method of ["PUT", "DELETE", "OPTIONS"]) {
      const r = await get(`EIO=4&transport=polling&sid=${sid}`, { method });
      expect(r.headers.get("allow")).toBe("GET, POST");
      await expectProblem(r, 405);
    }
  });

  it("long-polling's empty answers: a message over the limit (413), overlapping polls (400)", async () => {
    const sid = await session();
    const big = await get(`EIO=4&transport=polling&sid=${sid}`, {
      method: "POST",
      body: "4".repeat(DEFAULT_LIMITS.maxMessageBytes + 10),
    });
    const doc = await expectProblem(big, 413);
    expect(doc.detail).toContain(String(DEFAULT_LIMITS.maxMessageBytes));

    const other = await session();
    const first = get(`EIO=4&transport=polling&sid=${other}`);
    await new Promise((r) => setTimeout(r, 100));
    await expectProblem(await get(`EIO=4&transport=polling&sid=${other}`), 400);
    await (await first).text();
  });

  it("refused WebSocket upgrades (Engine.IO's and the ws library's): a problem on the raw socket", async () => {
    for (const [path, headers, status] of [
      ["/socket.io/?EIO=4&transport=websocket&sid=nope", KEY, 400],
      ["/socket.io/?EIO=4&transport=carrier-pigeon", KEY, 400],
      ["/socket.io/?EIO=4&transport=websocket", { "sec-websocket-version": "13" }, 400],
      ["/socket.io/?EIO=4&transport=websocket", { ...KEY, "sec-websocket-version": "7" }, 400],
    ] as const) {
      const r = parseRaw(await upgrade(port, path, headers));
      expect(r.status, r.body).toBe(status);
      expect(r.headers["content-type"]).toBe("application/problem+json");
      expect(Number(r.headers["content-length"])).toBe(Buffer.byteLength(r.body));
      expect(JSON.parse(r.body)).toMatchObject({
        status,
        type: expect.stringMatching(/^urn:readlog:problem:/),
      });
    }
  });

  it("the real client is unaffected: it connects over polling then upgrades; a bad token is still refused by name", async () => {
    const ok = io(rt.url, { auth: { token: admin.token }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      ok.once("ready", () => resolve());
      ok.once("connect_error", reject);
    });
    // The upgrade may have happened before "ready" arrived: wait only when it has not.
    if (ok.io.engine.transport.name !== "websocket")
      await new Promise<void>((resolve) => ok.io.engine.once("upgrade", () => resolve()));
    expect(ok.io.engine.transport.name).toBe("websocket");
    ok.close();

    const bad = io(rt.url, { auth: { token: "rl_nope" }, reconnection: false, forceNew: true });
    const err = await new Promise<Error>((resolve) => bad.once("connect_error", resolve));
    bad.close();
    expect(err.message).toMatch(/token|credential|auth/i);
  });
});
