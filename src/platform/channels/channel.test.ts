import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChannelSendError, postJson } from "./channel.js";

describe("postJson", () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen.push({ url: req.url ?? "", headers: req.headers, body });
        if (req.url === "/hang") return; // never answers
        if (req.url === "/text") {
          res.writeHead(502, { "content-type": "text/html" });
          res.end("<html>bad gateway</html>");
          return;
        }
        if (req.url === "/empty") {
          res.writeHead(204);
          res.end();
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ echo: JSON.parse(body) }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("posts the body as JSON with the given headers and parses the answer", async () => {
    const r = await postJson(`${base}/ok?x=1`, { to: "4242", n: 1 }, { authorization: "Bearer t" }, 5_000);
    expect(r).toEqual({ status: 200, json: { echo: { to: "4242", n: 1 } } });
    const req = seen.at(-1)!;
    expect(req.url).toBe("/ok?x=1");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers.authorization).toBe("Bearer t");
    expect(req.body).toBe('{"to":"4242","n":1}');
  });

  it("resolves any status; a body that is not JSON comes back raw, an empty one as null", async () => {
    expect(await postJson(`${base}/text`, {}, {}, 5_000)).toEqual({
      status: 502,
      json: { raw: "<html>bad gateway</html>" },
    });
    expect(await postJson(`${base}/empty`, {}, {}, 5_000)).toEqual({ status: 204, json: null });
  });

  it("gives up after the timeout, or when the signal aborts, with a retryable ChannelSendError", async () => {
    const late = postJson(`${base}/hang`, {}, {}, 100);
    await expect(late).rejects.toBeInstanceOf(ChannelSendError);
    await expect(late).rejects.toMatchObject({
      permanent: false,
      message: "request failed: timed out after 100 ms",
    });
    const ac = new AbortController();
    const stopped = postJson(`${base}/hang`, {}, {}, 60_000, ac.signal);
    setTimeout(() => ac.abort(new Error("worker stopping")), 20);
    await expect(stopped).rejects.toMatchObject({
      permanent: false,
      message: "request failed: worker stopping",
    });
    await expect(postJson(`${base}/ok`, {}, {}, 5_000, AbortSignal.abort(new Error("gone")))).rejects.toThrow(
      "request failed: gone",
    );
  });

  it("fails retryably when nothing listens", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(postJson(`http://127.0.0.1:${port}/`, {}, {}, 5_000)).rejects.toMatchObject({
      permanent: false,
      message: expect.stringMatching(/^request failed: .*ECONNREFUSED/),
    });
  });
});
