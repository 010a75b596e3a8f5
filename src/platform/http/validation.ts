import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import type { FastifySchemaCompiler } from "fastify";
import { MAX_LISTED_ERRORS } from "../errors.js";

const rfc3339 = fullFormats["date-time"] as { validate(s: string): boolean };

/**
 * An RFC 3339 date-time that also names an instant: the grammar alone admits leap seconds
 * (`2030-12-31T23:59:60Z`), which `Date` cannot hold, so such a value would pass validation and fail later
 * (`new Date(v).toISOString()` throws). Every `format: "date-time"` field is checked with this.
 */
export function isInstant(s: string): boolean {
  return rfc3339.validate(s) && Number.isFinite(Date.parse(s));
}

/**
 * A request holding at most this many JSON values is checked for every failing field; a larger one stops at
 * the first (Ajv with allErrors off), so a body of a million bad rows costs one error, not millions.
 */
export const FULL_CHECK_MAX_VALUES = 2_000;

/** Errors of a failed validation as the problem handler reads them: the first few, and how many more. */
export type BoundedErrors = ErrorObject[] & { omitted: number; stoppedEarly: boolean };

// Bodies are validated strictly: no type coercion, unknown fields are errors (not silently dropped).
// Query strings and path params are text on the wire, so they coerce.
function makeAjv(coerce: boolean, allErrors: boolean): Ajv {
  const ajv = new Ajv({
    allErrors,
    coerceTypes: coerce ? "array" : false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addFormat("date-time", { type: "string", validate: isInstant });
  return ajv;
}

const AJV = {
  strict: { first: makeAjv(false, false), every: makeAjv(false, true) },
  coercing: { first: makeAjv(true, false), every: makeAjv(true, true) },
};

/** True when `data` holds at most `limit` JSON values (stops counting past it). */
function holdsAtMost(data: unknown, limit: number): boolean {
  const stack: unknown[] = [data];
  let seen = 0;
  while (stack.length > 0) {
    if (++seen > limit) return false;
    const v = stack.pop();
    if (v !== null && typeof v === "object")
      for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return true;
}

/**
 * The JSON pointer of the first string (value or key) holding U+0000, if any. No column can store it
 * (PostgreSQL refuses it in text, and C tools cut strings there), so it is refused with the other rules
 * rather than failing later as a 500.
 */
function nulAt(data: unknown): string | undefined {
  const stack: [unknown, string][] = [[data, ""]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\u0000")) return at;
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const here = `${at}/${k.replaceAll("~", "~0").replaceAll("/", "~1")}`;
        if (k.includes("\u0000")) return here;
        stack.push([child, here]);
      }
    }
  }
  return undefined;
}

const nulError = (instancePath: string): ErrorObject => ({
  instancePath,
  schemaPath: "#",
  keyword: "noNul",
  params: {},
  message: "must not contain U+0000 (NUL)",
});

export function bounded(errors: ErrorObject[], stoppedEarly: boolean): BoundedErrors {
  const listed = errors.slice(0, MAX_LISTED_ERRORS) as BoundedErrors;
  listed.omitted = errors.length - listed.length;
  listed.stoppedEarly = stoppedEarly;
  return listed;
}

type Validate = ValidateFunction & { errors?: ValidateFunction["errors"] };

/**
 * Compiles a route's schema on its first request, not at boot: most routes of a given server are never
 * called, and each compiled validator costs memory (generated code plus Ajv's schema environment).
 * `test/e2e/schemas.test.ts` compiles every route's schemas so a broken one still fails the build.
 *
 * A request is first checked up to its first failing field (and, once valid, for a NUL in any string). Only a small one (FULL_CHECK_MAX_VALUES) is then
 * checked again for every failing field, so a form hears of all its mistakes at once while no request can
 * make the validator build more than a bounded number of errors; the answer lists MAX_LISTED_ERRORS.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? AJV.strict : AJV.coercing;
  let first: ValidateFunction | undefined;
  let every: ValidateFunction | undefined;
  const validate: Validate = ((data: unknown) => {
    first ??= ajv.first.compile(schema as object);
    if (first(data)) {
      const nul = nulAt(data);
      validate.errors = nul === undefined ? null : bounded([nulError(nul)], false);
      return nul === undefined;
    }
    if (!holdsAtMost(data, FULL_CHECK_MAX_VALUES)) {
      validate.errors = bounded(first.errors ?? [], true);
      return false;
    }
    every ??= ajv.every.compile(schema as object);
    every(data);
    validate.errors = bounded(every.errors ?? first.errors ?? [], false);
    return false;
  }) as Validate;
  return validate as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** Compiles a schema now, as a route's first request would (for the build-time check of every route). */
export function compileNow(schema: object, httpPart: string): void {
  const ajv = httpPart === "body" ? AJV.strict : AJV.coercing;
  ajv.first.compile(schema);
  ajv.every.compile(schema);
}
