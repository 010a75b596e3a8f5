import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { AppError } from "../../platform/errors.js";
import { problemDocument, rawProblemAnswer } from "../../platform/http/problem.js";

/*
 * Socket.IO's transport (Engine.IO) answers its own HTTP errors under /socket.io/: `{"code":1,"message":
 * "Session ID unknown"}` as application/json, empty 400/408/413 bodies from long-polling, and text/html
 * from a refused WebSocket upgrade (Engine.IO's or the `ws` library's). Here each becomes a problem
 * document (issue 11, item 7) with the same status. The client does not read these bodies
 * (engine.io-client acts on the status alone), so nothing changes for it; Engine.IO's `code` and
 * `message` stay in the document as extension members for any client that reads them.
 */

/** Engine.IO's error codes (Server.errors), as problem types. */
const ENGINE_ERRORS: Record<number, { code: string; title: string; detail: string }> = {
  0: { code: "socket-transport-unknown", title: "Bad request", detail: "Transport unknown" },
  1: { code: "socket-session-unknown", title: "Bad request", detail: "Session ID unknown" },
  2: { code: "socket-bad-handshake-method", title: "Bad request", detail: "Bad handshake method" },
  3: { code: "socket-bad-request", title: "Bad request", detail: "Bad request" },
  4: { code: "forbidden", title: "Forbidden", detail: "Forbidden" },
  5: {
    code: "socket-unsupported-protocol",
    title: "Bad request",
    detail: "Unsupported protocol version",
  },
};

const DETAIL_MAX = 300;
/** What a body from Engine.IO or `ws` may say, shown as the detail (plain text of a bounded size). */
const plain = (s: string) => s.replace(/[^\x20-\x7e]/g, "").slice(0, DETAIL_MAX);

/** The problem of an error answer Engine.IO or `ws` wrote: its JSON `{code, message}`, its text, or nothing. */
function problemOf(
  status: number,
  body: string,
  maxMessageBytes: number,
): { err: AppError; extra: Record<string, unknown> } {
  let engine: { code?: unknown; message?: unknown } | undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === "object") engine = parsed as typeof engine;
  } catch {
    // Text (an upgrade refused) or nothing (long-polling).
  }
  const text = plain(typeof engine?.message === "string" ? engine.message : body);
  const known = typeof engine?.code === "number" ? ENGINE_ERRORS[engine.code] : undefined;
  const byText = Object.entries(ENGINE_ERRORS).find(([, e]) => e.detail === text);
  const extra: Record<string, unknown> =
    typeof engine?.code === "number"
      ? { code: engine.code, message: text }
      : byText
        ? { code: Number(byText[0]), message: text }
        : {};
  const e = known ?? byText?.[1];
  if (e) return { err: new AppError(status, e.code, e.title, text || e.detail), extra };
  const fallback: Record<number, [string, string, string]> = {
    400: ["socket-bad-request", "Bad request", "The Socket.IO request is not valid here"],
    403: ["forbidden", "Forbidden", "Forbidden"],
    408: ["request-timeout", "Request timeout", "The long-polling request did not arrive in time"],
    413: [
      "payload-too-large",
      "Payload too large",
      `A Socket.IO message is larger than ${maxMessageBytes} bytes`,
    ],
    426: ["upgrade-required", "Upgrade required", "This WebSocket version is not supported"],
  };
  const [code, title, detail] = fallback[status] ?? [
    "socket-error",
    "Socket.IO error",
    "Socket.IO refused it",
  ];
  return { err: new AppError(status, code, title, text || detail), extra };
}

/** Makes any error answer written on `res` a problem document (the status kept). */
function answerProblems(req: IncomingMessage, res: ServerResponse, maxMessageBytes: number): void {
  const writeHead = res.writeHead;
  const end = res.end;
  let failed: number | undefined;
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    if (status < 400) return (writeHead as (...a: unknown[]) => ServerResponse).call(this, status, ...rest);
    failed = status;
    return this;
  } as ServerResponse["writeHead"];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (failed === undefined && !this.headersSent && this.statusCode >= 400) failed = this.statusCode;
    const plainEnd = end as (...a: unknown[]) => ServerResponse;
    if (failed === undefined) return plainEnd.call(this, chunk, ...rest);
    const text =
      typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8", 0, 2_000) : "";
    const { err, extra } = problemOf(failed, text, maxMessageBytes);
    const body = JSON.stringify({ ...problemDocument(err, req.url), ...extra });
    this.removeHeader("content-type");
    (writeHead as (...a: unknown[]) => ServerResponse).call(this, failed, {
      "content-type": "application/problem+json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    const done = rest.find((r) => typeof r === "function");
    return plainEnd.call(this, body, done);
  } as ServerResponse["end"];
}

/** Headers of a refused upgrade's raw answer worth keeping (e.g. `Sec-WebSocket-Version` of a 426). */
const KEPT_UPGRADE_HEADERS = /^sec-websocket-/i;

/** Makes the first bytes written on an upgrade's socket, when they are an HTTP error answer, a problem. */
function upgradeProblems(req: IncomingMessage, socket: Duplex, maxMessageBytes: number): void {
  const write = socket.write;
  const end = socket.end;
  const rewrite = (chunk: unknown): unknown => {
    socket.write = write;
    socket.end = end;
    const text =
      typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("latin1") : undefined;
    const status = text ? /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] : undefined;
    if (!text || !status || Number(status) < 400) return chunk;
    const split = text.indexOf("\r\n\r\n");
    const headers = Object.fromEntries(
      text
        .slice(0, split < 0 ? text.length : split)
        .split("\r\n")
        .slice(1)
        .map((line) => [line.slice(0, line.indexOf(":")).trim(), line.slice(line.indexOf(":") + 1).trim()])
        .filter(([k]) => KEPT_UPGRADE_HEADERS.test(k!)),
    );
    const body = split < 0 ? "" : Buffer.from(text.slice(split + 4), "latin1").toString("utf8");
    const { err, extra } = problemOf(Number(status), body, maxMessageBytes);
    return rawProblemAnswer(err, { url: req.url, extra, headers });
  };
  socket.write = function (this: Duplex, chunk: unknown, ...rest: unknown[]) {
    return (write as (...a: unknown[]) => boolean).call(this, rewrite(chunk), ...rest);
  } as Duplex["write"];
  socket.end = function (this: Duplex, chunk?: unknown, ...rest: unknown[]) {
    return (end as (...a: unknown[]) => Duplex).call(
      this,
      typeof chunk === "function" ? chunk : rewrite(chunk),
      ...rest,
    );
  } as Duplex["end"];
}

const ALLOWED = new Set(["GET", "POST"]);

/**
 * Every answer of `server` under `path` (Socket.IO's, once attached) is a problem document when it is an
 * error; a method the transport does not use (it would answer 500) is refused as 405. Engine.IO put its
 * own `request` listener in front of the others; this one goes in front of it the same way.
 */
export function socketAnswersAsProblems(server: Server, path: string, maxMessageBytes: number): void {
  const under = (req: IncomingMessage) => (req.url ?? "").startsWith(path);
  const listeners = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (under(req)) {
      if (!ALLOWED.has(req.method ?? "")) {
        const body = JSON.stringify(
          problemDocument(
            new AppError(
              405,
              "method-not-allowed",
              "Method not allowed",
              "Socket.IO answers GET and POST only",
            ),
            req.url,
          ),
        );
        res.writeHead(405, {
          allow: "GET, POST",
          "content-type": "application/problem+json",
          "content-length": Buffer.byteLength(body),
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        });
        res.end(body);
        return;
      }
      answerProblems(req, res, maxMessageBytes);
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
  server.prependListener("upgrade", (req: IncomingMessage, socket: Duplex) => {
    if (under(req)) upgradeProblems(req, socket, maxMessageBytes);
  });
}
