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
    /** Field errors found beyond those listed in `errors` (answers stay bounded whatever the input). */
    readonly errorsOmitted?: number,
    /** On a 409 over a stale version: the version the resource is at now. */
    readonly currentVersion?: number,
  ) {
    super(detail ?? title);
  }
}

/** Most field errors one answer lists; the rest are counted (`errorsOmitted`). */
export const MAX_LISTED_ERRORS = 20;

/**
 * Field errors gathered while checking a document: the first MAX_LISTED_ERRORS are kept, the others only
 * counted, so a document with a million bad rows costs a counter, not a million objects.
 */
export class FieldErrors {
  readonly listed: FieldError[] = [];
  omitted = 0;

  add(field: string, rule: string, message: string): void {
    if (this.listed.length < MAX_LISTED_ERRORS) this.listed.push({ field, rule, message });
    else this.omitted++;
  }

  get count(): number {
    return this.listed.length + this.omitted;
  }

  /** Throws the 400 naming every listed field (and how many more there are); returns when there is none. */
  throwIfAny(): void {
    if (this.count === 0) return;
    const more = this.omitted > 0 ? `; and ${this.omitted} more` : "";
    const detail = `${this.listed.map((e) => `${e.field} ${e.message}`).join("; ")}${more}`;
    throw new AppError(400, "validation", "Invalid request", detail, this.listed, undefined, this.omitted);
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
export const conflict = (detail: string, currentVersion?: number) =>
  new AppError(409, "conflict", "Conflict", detail, undefined, undefined, undefined, currentVersion);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, "rate-limited", "Too many requests", detail, undefined, {
    "retry-after": String(retryAfterSeconds),
  });
