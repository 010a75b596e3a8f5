import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

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
