import { type SchemaOptions, type TLiteral, type TUnion, Type } from "@sinclair/typebox";

/**
 * A domain enumeration declared once, as a const array: `values` lists it, `Values<typeof X>` is its
 * TypeScript type, `schema()` its TypeBox schema (a union of literals: validated by Ajv, typed in routes
 * without casts, listed as an enum in OpenAPI), and `is()` narrows an unknown value.
 */
export interface Enumeration<T extends string> {
  readonly values: readonly T[];
  schema(options?: SchemaOptions): TUnion<TLiteral<T>[]>;
  is(value: unknown): value is T;
}

export type EnumValue<E> = E extends Enumeration<infer T> ? T : never;

export function enumeration<const T extends string>(values: readonly [T, ...T[]]): Enumeration<T> {
  const set = new Set<string>(values);
  return Object.freeze({
    values: Object.freeze([...values]),
    schema: (options?: SchemaOptions) =>
      Type.Union(
        values.map((v) => Type.Literal(v)),
        options,
      ),
    is: (value: unknown): value is T => typeof value === "string" && set.has(value),
  });
}
