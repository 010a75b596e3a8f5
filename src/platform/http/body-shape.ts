import type { ErrorObject } from "ajv";

/*
 * A JSON body's shape checked against the route's schema on the text itself, before JSON.parse builds a
 * single object (issue 11, item 1). Parsing is what a hostile body costs: 600,000 empty rows (`{},{},…`,
 * 2.4 MB) are 600,000 objects and ~70 MB before Ajv can say that the first one lacks its fields. Read as
 * text, that body is refused at its fourth byte of rows.
 *
 * Only rules whose answer is certain on the text are checked, and only where the schema is plain: the
 * JSON kind of a value (`type`), unknown keys (`additionalProperties: false`), missing keys (`required`,
 * except a key with a default, which Ajv fills in), and array lengths (`maxItems`, `minItems`). A value
 * under anything else (`anyOf`, `$ref`, `enum`, `nullable`, a schema without `type`…) is skipped, and
 * so is every scalar rule: strings and numbers are cheap to parse and Ajv checks them next. So a body
 * refused here is one Ajv would refuse too; the text being malformed JSON is left to the JSON parser
 * (nothing is refused here for its syntax). One difference, on purpose: of a key given twice, JSON.parse
 * keeps the last value while this reads the first, so a body whose duplicate keys disagree may be
 * refused for the first one.
 */

type Kind = "object" | "array" | "string" | "number" | "boolean" | "null";

/** A schema compiled for the text check; `null` is "anything" (not checked here). */
interface Shape {
  kinds: ReadonlySet<Kind>;
  /** What the error names as the expected type (the schema's own `type`). */
  typeName: string;
  /** Each named key's shape, and its bit in the seen-mask of required keys (-1: not required). */
  props: Map<string, { shape: Shape | null; bit: number }>;
  /** Keys not in `props`: false when refused, else their shape. */
  extra: Shape | null | false;
  required: readonly string[];
  items: Shape | null;
  maxItems: number;
  minItems: number;
}

type Schema = Record<string, unknown>;

/** Keywords whose meaning this check does not follow: under them the value is not checked here. */
const OPAQUE = [
  "$ref",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "if",
  "enum",
  "const",
  "nullable",
  "patternProperties",
  "propertyNames",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "unevaluatedProperties",
  "unevaluatedItems",
  "prefixItems",
];

const KINDS: Record<string, Kind> = {
  object: "object",
  array: "array",
  string: "string",
  number: "number",
  integer: "number",
  boolean: "boolean",
  null: "null",
};

/** Most required keys tracked per object (a bit each); an object schema with more is not checked for them. */
const REQUIRED_MAX = 30;

const compiled = new WeakMap<object, Shape | null>();

function shapeOf(schema: unknown): Shape | null {
  if (schema === null || typeof schema !== "object") return null;
  if (compiled.has(schema)) return compiled.get(schema)!;
  compiled.set(schema, null); // a schema reaching itself (it cannot without $ref, but never loop)
  const shape = compile(schema as Schema);
  compiled.set(schema, shape);
  return shape;
}

function compile(s: Schema): Shape | null {
  if (OPAQUE.some((k) => k in s)) return null;
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as unknown[]) : [];
  const kinds = new Set<Kind>();
  for (const t of types) {
    const k = KINDS[String(t)];
    if (!k) return null;
    kinds.add(k);
  }
  if (kinds.size === 0) return null;
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const extra =
    s.additionalProperties === false
      ? false
      : typeof s.additionalProperties === "object"
        ? shapeOf(s.additionalProperties)
        : null;
  // Ajv (useDefaults) fills a missing key that has a default before `required` is checked.
  const required = (Array.isArray(s.required) ? (s.required as string[]) : []).filter(
    (k) => !(properties[k] && typeof properties[k] === "object" && "default" in (properties[k] as Schema)),
  );
  const tracked = required.length <= REQUIRED_MAX ? required : [];
  const props = new Map<string, { shape: Shape | null; bit: number }>();
  for (const [k, v] of Object.entries(properties))
    props.set(k, { shape: shapeOf(v), bit: tracked.indexOf(k) });
  return {
    kinds,
    typeName: types.join(","),
    props,
    extra,
    required: tracked,
    items: s.items && typeof s.items === "object" && !Array.isArray(s.items) ? shapeOf(s.items) : null,
    maxItems: typeof s.maxItems === "number" ? s.maxItems : Number.POSITIVE_INFINITY,
    minItems: typeof s.minItems === "number" ? s.minItems : 0,
  };
}

/** The text is not JSON as this reader expects: stop, and let the JSON parser say what is wrong. */
class NotJson {}
const NOT_JSON = new NotJson();

/** A rule the text breaks. */
class Refusal {
  constructor(readonly error: ErrorObject) {}
}

const pointer = (segments: readonly (string | number)[]) =>
  segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

const C = {
  quote: 34,
  backslash: 92,
  comma: 44,
  colon: 58,
  openBrace: 123,
  closeBrace: 125,
  openBracket: 91,
  closeBracket: 93,
  minus: 45,
  zero: 48,
  nine: 57,
};

class Reader {
  private pos = 0;
  private readonly path: (string | number)[] = [];

  constructor(private readonly text: string) {}

  run(shape: Shape): void {
    this.value(shape);
  }

  private refuse(keyword: string, params: Record<string, unknown>, message: string, at = this.path): never {
    throw new Refusal({ instancePath: pointer(at), schemaPath: "#", keyword, params, message });
  }

  private ws(): number {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++this.pos);
    return c;
  }

  private kindAt(c: number): Kind {
    if (c === C.openBrace) return "object";
    if (c === C.openBracket) return "array";
    if (c === C.quote) return "string";
    if (c === C.minus || (c >= C.zero && c <= C.nine)) return "number";
    if (c === 116 || c === 102) return "boolean"; // t, f
    if (c === 110) return "null"; // n
    throw NOT_JSON;
  }

  private value(shape: Shape | null): void {
    if (shape === null) {
      this.skip();
      return;
    }
    const kind = this.kindAt(this.ws());
    if (!shape.kinds.has(kind)) this.refuse("type", { type: shape.typeName }, `must be ${shape.typeName}`);
    if (kind === "object") this.object(shape);
    else if (kind === "array") this.array(shape);
    else if (kind === "string") this.string();
    else this.scalar();
  }

  private object(shape: Shape): void {
    this.pos++; // {
    let seen = 0;
    let c = this.ws();
    if (c !== C.closeBrace) {
      for (;;) {
        if (c !== C.quote) throw NOT_JSON;
        const key = this.key();
        if (this.ws() !== C.colon) throw NOT_JSON;
        this.pos++;
        const named = shape.props.get(key);
        let sub: Shape | null;
        if (named) {
          sub = named.shape;
          if (named.bit >= 0) seen |= 1 << named.bit;
        } else if (shape.extra === false)
          this.refuse(
            "additionalProperties",
            { additionalProperty: key },
            "must NOT have additional properties",
          );
        else sub = shape.extra;
        this.path.push(key);
        this.value(sub);
        this.path.pop();
        c = this.ws();
        if (c === C.comma) {
          this.pos++;
          c = this.ws();
          continue;
        }
        if (c === C.closeBrace) break;
        throw NOT_JSON;
      }
    }
    this.pos++; // }
    for (let i = 0; i < shape.required.length; i++)
      if ((seen & (1 << i)) === 0) {
        const missing = shape.required[i]!;
        this.refuse("required", { missingProperty: missing }, `must have required property '${missing}'`);
      }
  }

  private array(shape: Shape): void {
    this.pos++; // [
    let count = 0;
    let c = this.ws();
    if (c !== C.closeBracket) {
      for (;;) {
        if (++count > shape.maxItems)
          this.refuse(
            "maxItems",
            { limit: shape.maxItems },
            `must NOT have more than ${shape.maxItems} items`,
          );
        this.path.push(count - 1);
        this.value(shape.items);
        this.path.pop();
        c = this.ws();
        if (c === C.comma) {
          this.pos++;
          continue;
        }
        if (c === C.closeBracket) break;
        throw NOT_JSON;
      }
    }
    this.pos++; // ]
    if (count < shape.minItems)
      this.refuse("minItems", { limit: shape.minItems }, `must NOT have fewer than ${shape.minItems} items`);
  }

  /** A key (the reader is on its opening quote): its text, escapes decoded. */
  private key(): string {
    const t = this.text;
    const start = this.pos + 1;
    let i = start;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (Number.isNaN(c)) throw NOT_JSON;
      if (c === C.quote) break;
      if (c === C.backslash) {
        escaped = true;
        i++;
      }
      i++;
    }
    this.pos = i + 1;
    if (!escaped) return t.slice(start, i);
    try {
      return JSON.parse(t.slice(start - 1, i + 1)) as string;
    } catch {
      throw NOT_JSON;
    }
  }

  /** Past the end of the string the reader is on (the opening quote). */
  private string(): void {
    const t = this.text;
    let q = this.pos;
    for (;;) {
      q = t.indexOf('"', q + 1);
      if (q < 0) throw NOT_JSON;
      let b = q - 1;
      while (t.charCodeAt(b) === C.backslash) b--;
      if ((q - 1 - b) % 2 === 0) break; // not escaped: an even run of backslashes before it
    }
    this.pos = q + 1;
  }

  /** Past the number or literal the reader is on: up to the next delimiter. */
  private scalar(): void {
    const t = this.text;
    const from = this.pos;
    let d = t.charCodeAt(from);
    while (
      !Number.isNaN(d) &&
      d !== C.comma &&
      d !== C.closeBrace &&
      d !== C.closeBracket &&
      d !== C.colon &&
      d !== 32 &&
      d !== 10 &&
      d !== 13 &&
      d !== 9
    )
      d = t.charCodeAt(++this.pos);
    if (this.pos === from) throw NOT_JSON;
  }

  /** Past any one value, unchecked (strings skipped whole, brackets matched). */
  private skip(): void {
    let c = this.ws();
    if (c !== C.openBrace && c !== C.openBracket) {
      if (c === C.quote) this.string();
      else this.scalar();
      return;
    }
    const open: number[] = [];
    for (;;) {
      if (c === C.quote) this.string();
      else if (c === C.openBrace || c === C.openBracket) {
        open.push(c === C.openBrace ? C.closeBrace : C.closeBracket);
        this.pos++;
      } else if (c === C.closeBrace || c === C.closeBracket) {
        if (open.pop() !== c) throw NOT_JSON;
        this.pos++;
        if (open.length === 0) return;
      } else if (c === C.comma || c === C.colon) this.pos++;
      else this.scalar();
      c = this.ws();
    }
  }
}

/**
 * The first rule of `schema` that the JSON text `text` breaks, as Ajv would name it, found without parsing
 * the text into values; undefined when none is found (or the text is not JSON: the parser says so next).
 */
export function shapeError(text: string, schema: unknown): ErrorObject | undefined {
  const shape = shapeOf(schema);
  if (!shape) return undefined;
  try {
    new Reader(text).run(shape);
    return undefined;
  } catch (e) {
    if (e instanceof Refusal) return e.error;
    if (e === NOT_JSON) return undefined;
    throw e;
  }
}
