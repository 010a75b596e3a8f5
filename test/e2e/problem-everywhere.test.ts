import net from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer } from "../../src/platform/http/http-server.js";
import { TG } from "../fakes/telegram.js";
import { metaSignature, WA, waConfig } from "../fakes/whatsapp.js";
import { startTestApp, type TestApp } from "../support/app.js";

/** Issue 11, item 7: every answer with an error status is an RFC 9457 problem document. */
function expectProblem(
  r: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(r.statusCode, r.body.slice(0, 300)).toBe(status);
  expect(String(r.headers["content-type"])).toContain("application/problem+json");
  const doc = JSON.parse(r.body);
  expect(doc).toMatchObject({ status, type: expect.stringMatching(/^urn:readlog:problem:/) });
  expect(doc.title).toBeTruthy();
  return doc;
}

/** Sends raw bytes to the listening server and reads its whole answer (the server closes the connection). */
function rawExchange(
  port: number,
  request: string,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ statusCode: Number(statusLine.split(" ")[1]), headers, body });
    });
    socket.end(request);
  });
}

describe("every error status is a problem document", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp("sqlite", {
      whatsapp: waConfig("http://127.0.0.1:9"),
      telegram: { apiUrl: "http://127.0.0.1:9", botToken: TG.botToken, webhookSecret: TG.webhookSecret },
    });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(() => t.close());

  it("a malformed %-escape in the path (Fastify's FST_ERR_BAD_URL): 400", async () => {
    for (const url of ["/api/tokens/%zz", "/%E0%A4%A", "/api/books/%"])
      expectProblem(await t.app.inject({ method: "GET", url }), 400);
  });

  it("a path parameter longer than any id (the router's max param length): 414", async () => {
    expectProblem(await t.app.inject({ method: "DELETE", url: `/api/tokens/${"x".repeat(200)}` }), 414);
  });

  it("a 70 KB query string (Node's parser, before Fastify): 431, then the connection closes", async () => {
    const r = await rawExchange(port, `GET /api/books?q=${"a".repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const doc = expectProblem(r, 431);
    expect(doc.instance).toBeUndefined();
  });

  it("headers over the limit: 431; a request that is not HTTP: 400", async () => {
    expectProblem(
      await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`),
      431,
    );
    expectProblem(await rawExchange(port, "THIS IS NOT HTTP\r\n\r\n"), 400);
  });

  it("WhatsApp verification: a wrong token is a 403 problem, and hub.challenge is echoed only as a plain token", async () => {
    const verify = (token: string, challenge: string) =>
      t.app.inject({
        method: "GET",
        url: "/webhooks/whatsapp",
        query: { "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": challenge },
      });
    expectProblem(await verify("wrong", "1158201444"), 403);
    const ok = await verify(WA.verifyToken, "1158201444");
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe("1158201444");
    for (const hostile of ["<script>alert(1)</script>", "a b", "x".repeat(300), ""]) {
      const r = await verify(WA.verifyToken, hostile);
      expectProblem(r, 400);
      expect(r.body).not.toContain("<script>");
    }
  });

  it("webhook bodies that are not JSON (properly signed): 400 problems, not {error}", async () => {
    const raw = "this is not json";
    const wa: LightMyRequestResponse = await t.app.inject({
      method: "POST",
      url: "/webhooks/whatsapp",
      headers: {
        "content-type": "application/json",
        "x-hub-signature-256": metaSignature(WA.appSecret, raw),
      },
      payload: raw,
    });
    expectProblem(wa, 400);
    const tg = await t.app.inject({
      method: "POST",
      url: "/webhooks/telegram",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.webhookSecret },
      payload: raw,
    });
    expectProblem(tg, 400);
  });
});

describe("while the server drains", () => {
  it("a new request gets a 503 problem and is told to close its connection", async () => {
    const app = createHttpServer({ logLevel: "silent", bodyLimit: 1024, trustProxy: false });
    app.get("/ping", async () => ({ ok: true }));
    // A later preClose hook holds the close open while the request is sent (the server's own ran first).
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let draining!: () => void;
    const started = new Promise<void>((r) => {
      draining = r;
    });
    app.addHook("preClose", async () => {
      draining();
      await held;
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as net.AddressInfo).port;
    const closed = app.close();
    await started;
    const r = await rawExchange(port, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
    release();
    await closed;
    expectProblem(r, 503);
    expect(r.headers.connection).toBe("close");
  });
});
