import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats.js";
import type { FastifySchemaCompiler } from "fastify";

const rfc3339 = fullFormats["date-time"] as { validate(s: string): boolean };

/**
 * An RFC 3339 date-time that also names an instant: the grammar alone admits leap seconds
 * (`2030-12-31T23:59:60Z`), which `Date` cannot hold, so such a value would pass validation and fail later
 * (`new Date(v).toISOString()` throws). Every `format: "date-time"` field is checked with this.
 */
export function isInstant(s: string): boolean {
  return rfc3339.validate(s) && Number.isFinite(Date.parse(s));
}

// Bodies are validated strictly: no type coercion, unknown fields are errors (not silently dropped),
// every failing field reported. Query strings and path params are text on the wire, so they coerce.
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? "array" : false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addFormat("date-time", { type: "string", validate: isInstant });
  return ajv;
}

const strict = makeAjv(false);
const coercing = makeAjv(true);

type Validate = ValidateFunction & { errors?: ValidateFunction["errors"] };

/**
 * Compiles a route's schema on its first request, not at boot: most routes of a given server are never
 * called, and each compiled validator costs memory (generated code plus Ajv's schema environment).
 * `test/e2e/schemas.test.ts` compiles every route's schemas so a broken one still fails the build.
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? strict : coercing;
  let compiled: ValidateFunction | undefined;
  const validate: Validate = ((data: unknown) => {
    compiled ??= ajv.compile(schema as object);
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  }) as Validate;
  return validate as ReturnType<FastifySchemaCompiler<unknown>>;
};

/** Compiles a schema now, as a route's first request would (for the build-time check of every route). */
export function compileNow(schema: object, httpPart: string): void {
  (httpPart === "body" ? strict : coercing).compile(schema);
}
