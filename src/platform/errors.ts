/** One failing field of a request: where, which rule, in words. */
export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

/**
 * An error meant for the client. The HTTP layer renders it as application/problem+json
 * (RFC 9457); services throw it without knowing about HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, "bad-request", "Bad request", detail, errors);
export const invalidField = (field: string, rule: string, message: string) =>
  new AppError(400, "validation", "Invalid request", message, [{ field, rule, message }]);
export const unauthorized = (detail = "Authentication required") =>
  new AppError(401, "unauthorized", "Unauthorized", detail);
export const forbidden = (detail = "You are not allowed to do this") =>
  new AppError(403, "forbidden", "Forbidden", detail);
export const notFound = (what = "Resource") =>
  new AppError(404, "not-found", "Not found", `${what} not found`);
export const conflict = (detail: string) => new AppError(409, "conflict", "Conflict", detail);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, "rate-limited", "Too many requests", detail, undefined, {
    "retry-after": String(retryAfterSeconds),
  });
