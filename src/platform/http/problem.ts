import { Type } from "@sinclair/typebox";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AppError, type FieldError, MAX_LISTED_ERRORS } from "../errors.js";
import type { BoundedErrors } from "./validation.js";

/** RFC 9457 problem document, the body of every error response. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), rule: Type.String(), message: Type.String() }), {
        maxItems: MAX_LISTED_ERRORS,
        description: `The failing fields, at most ${MAX_LISTED_ERRORS}`,
      }),
    ),
    errorsOmitted: Type.Optional(
      Type.Integer({ description: "How many more failing fields were found than `errors` lists" }),
    ),
    currentVersion: Type.Optional(
      Type.Integer({ description: "On a 409 over a stale version: the version the resource is at now" }),
    ),
  },
  { $id: "Problem", description: "An RFC 9457 problem document" },
);

const TYPE_BASE = "urn:readlog:problem:";

/** Longest `detail` and `instance` an answer carries, and longest field pointer: answers stay small. */
const DETAIL_MAX = 4_000;
const INSTANCE_MAX = 1_000;
const FIELD_MAX = 200;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The problem document of an error, as every answer with an error status carries it. */
export function problemDocument(err: AppError, url: string | undefined) {
  return {
    type: `${TYPE_BASE}${err.code}`,
    title: err.title,
    status: err.status,
    detail: clip(err.message, DETAIL_MAX),
    ...(url ? { instance: clip(url.split("?")[0]!, INSTANCE_MAX) } : {}),
    ...(err.errors ? { errors: err.errors.slice(0, MAX_LISTED_ERRORS) } : {}),
    ...(err.errorsOmitted ? { errorsOmitted: err.errorsOmitted } : {}),
    ...(err.currentVersion !== undefined ? { currentVersion: err.currentVersion } : {}),
  };
}

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  if (err.headers) reply.headers(err.headers);
  return reply
    .code(err.status)
    .type("application/problem+json")
    .send(problemDocument(err, reply.request.url));
}

/**
 * Errors Node's HTTP parser finds before there is a request (a request line or headers over `maxHeaderSize`,
 * a malformed request, a timeout): the answer is written on the socket, a problem document like every
 * other, and the connection closed. Without this, Node and Fastify answer them in their own formats.
 */
export function clientErrorProblem(err: NodeJS.ErrnoException): { status: number; raw: string } {
  const [status, title, code, detail] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [
          431,
          "Request header fields too large",
          "headers-too-large",
          "The request line and headers are too large",
        ]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request timeout", "request-timeout", "The request did not arrive in time"]
        : [400, "Bad request", "malformed-request", "The request is not well-formed HTTP"];
  return { status, raw: rawProblemAnswer(new AppError(status, code, title, detail)) };
}

/**
 * A whole HTTP/1.1 answer carrying the problem document of `err`, for a socket no response object
 * owns (a request Node's parser refused, a WebSocket upgrade refused): the connection is closed after it.
 * `extra`: more members of the document; `headers`: more header lines.
 */
export function rawProblemAnswer(
  err: AppError,
  opts: { url?: string; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
): string {
  const body = JSON.stringify({ ...problemDocument(err, opts.url), ...opts.extra });
  const more = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  return (
    `HTTP/1.1 ${err.status} ${err.title}\r\nContent-Type: application/problem+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${more}\r\n${body}`
  );
}

/** Fastify's router errors (before any route): a path that does not decode, a path parameter too long. */
export function frameworkErrorProblem(error: FastifyError): AppError {
  if (error.code === "FST_ERR_BAD_URL")
    return new AppError(400, "bad-url", "Bad request", "The path has a malformed %-escape");
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH")
    return new AppError(414, "uri-too-long", "URI too long", "A part of the path is longer than any id");
  return new AppError(400, "bad-request", "Bad request", "The request could not be routed");
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's errors into field errors that name the field (as a JSON pointer) and the rule. */
function fieldErrors(part: string, validation: AjvError[]): FieldError[] {
  return validation.slice(0, MAX_LISTED_ERRORS).map((e) => {
    let pointer = e.instancePath;
    let message = e.message ?? "is invalid";
    if (e.keyword === "additionalProperties") {
      pointer += `/${String(e.params.additionalProperty)}`;
      message = "is not a known field";
    } else if (e.keyword === "required") {
      pointer += `/${String(e.params.missingProperty)}`;
      message = "is required";
    }
    return { field: clip(`/${part}${pointer}`, FIELD_MAX), rule: e.keyword, message };
  });
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  404: "Not found",
  405: "Method not allowed",
  406: "Not acceptable",
  413: "Payload too large",
  414: "URI too long",
  415: "Unsupported media type",
  429: "Too many requests",
};

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "invalid-json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid-json",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload-too-large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported-media-type",
};

/**
 * A body over its route's limit (refused unread when Content-Length says so, else as soon as the bytes
 * read pass it): the problem names the limit, as a rule on the body.
 */
function bodyTooLarge(request: FastifyRequest): AppError {
  const limit = request.routeOptions.bodyLimit;
  const message = `must be at most ${limit} bytes`;
  return new AppError(
    413,
    "payload-too-large",
    "Payload too large",
    `The body is larger than this route's limit of ${limit} bytes`,
    [{ field: "/body", rule: "maxBytes", message }],
  );
}

/** Maps every error to a problem response; anything unexpected becomes a logged 500 with no internals. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validationContext?: string }, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error);
    if (error.validation) {
      const found = error.validation as AjvError[] & Partial<BoundedErrors>;
      const errors = fieldErrors(error.validationContext ?? "body", found);
      const omitted = (found.omitted ?? 0) + found.length - errors.length;
      const detail =
        errors.map((e) => `${e.field} ${e.message}`).join("; ") +
        (omitted > 0 ? `; and ${omitted} more` : "") +
        (found.stoppedEarly
          ? found.length > 1
            ? ` (checking stopped after the first ${found.length} failing fields)`
            : " (a request this large is checked up to its first failing field)"
          : "");
      return sendProblem(
        reply,
        new AppError(400, "validation", "Invalid request", detail, errors, undefined, omitted),
      );
    }
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendProblem(reply, bodyTooLarge(request));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const title = STATUS_TITLES[status] ?? "Bad request";
      const code = (FASTIFY_CODES[error.code] ?? title).toLowerCase().replaceAll(" ", "-");
      return sendProblem(reply, new AppError(status, code, title, error.message));
    }
    request.log.error({ err: error }, "unhandled error");
    return sendProblem(
      reply,
      new AppError(500, "internal", "Internal server error", "Something went wrong on our side"),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError(
        404,
        "not-found",
        "Not found",
        `No route for ${request.method} ${request.url.split("?")[0]}`,
      ),
    ),
  );
}
