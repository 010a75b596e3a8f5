import type { ErrorObject } from "ajv";
import {
  errorCodes,
  type FastifyInstance,
  type FastifyRequest,
  type FastifySchemaCompiler,
  type FastifySchemaValidationError,
} from "fastify";
import { MAX_LISTED_ERRORS } from "../errors.js";
import { shapeError } from "./body-shape.js";
import { parseJsonText, SHAPE_CHECK_MIN_CHARS } from "./json-body.js";
import { bounded, validatorCompiler } from "./validation.js";

/*
 * A JSON document of many rows read as it arrives (issue 11, item 1; ADR 0016): the restore's document is
 * an object whose arrays hold up to a million rows, and a body of up to IMPORT_MAX_BYTES (50 MB). Read
 * whole, a hostile body costs its full parse before the validator can refuse its first row: a document
 * whose rows all have the right keys but wrong values passes the text shape check (body-shape.ts) and is
 * parsed whole.
 *
 * Here the bytes are scanned as they come off the socket. Each row of a top-level array of objects is cut
 * out at its closing bracket, parsed alone (Fastify's JSON parser: prototype poisoning refused) and
 * validated against the row's schema at once; the problem names the row and field. After
 * MAX_LISTED_ERRORS errors parsing stops: the rest of the body is only received and dropped (so that the
 * client, still sending, can read the answer), and the answer is the validator's bounded problem. Rows are kept only while none has failed; the document is put together only when every
 * row and the rest of it are valid, and is then not validated again (the route's body validator knows it).
 * Any other top-level value is parsed alone and checked with the document at the end; an unknown top-level
 * key is refused at once, its value never parsed. A body that is not a JSON object is read whole, as by the app's parser.
 */

type Schema = Record<string, unknown>;
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** Documents built and validated here: the route's body validator accepts them without a second pass. */
const checked = new WeakSet<object>();

interface RowsOf {
  schema: Schema;
  validate: Validate;
  maxItems: number;
  minItems: number;
}

interface Compiled {
  validateDocument: Validate;
  rows: Map<string, RowsOf>;
  props: Record<string, unknown>;
  closed: boolean;
}

const compileSchema = (schema: Schema): Validate =>
  validatorCompiler({ schema, httpPart: "body", method: "POST", url: "" }) as unknown as Validate;

function compile(schema: Schema): Compiled {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const rows = new Map<string, RowsOf>();
  for (const [key, s] of Object.entries(props)) {
    const items = s.items as Schema | undefined;
    if (s.type === "array" && items && typeof items === "object" && items.type === "object")
      rows.set(key, {
        schema: items,
        validate: compileSchema(items),
        maxItems: typeof s.maxItems === "number" ? s.maxItems : Number.POSITIVE_INFINITY,
        minItems: typeof s.minItems === "number" ? s.minItems : 0,
      });
  }
  return {
    validateDocument: compileSchema(schema),
    rows,
    props,
    closed: schema.additionalProperties === false,
  };
}

const pointer = (segments: readonly (string | number)[]) =>
  segments.map((s) => `/${String(s).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

const at = (prefix: string, errors: readonly ErrorObject[]): ErrorObject[] =>
  errors.map((e) => ({ ...e, instancePath: prefix + e.instancePath }));

const B = {
  quote: 0x22,
  backslash: 0x5c,
  comma: 0x2c,
  colon: 0x3a,
  openBrace: 0x7b,
  closeBrace: 0x7d,
  openBracket: 0x5b,
  closeBracket: 0x5d,
};
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

enum S {
  Open,
  KeyOrEnd,
  Key,
  Colon,
  Value,
  InValue,
  AfterValue,
  RowOrEnd,
  InRow,
  AfterRow,
  Done,
}

/** What ends reading early: a syntax error, or a validation problem (errors named, reading stopped). */
type Stop = { kind: "syntax"; error: Error } | { kind: "invalid"; stoppedEarly: boolean };

const syntaxError = (message: string) =>
  Object.assign(new SyntaxError(message), { statusCode: 400 }) as SyntaxError & { statusCode: number };

/** Reads the document's bytes chunk by chunk (see the comment at the top). */
class DocumentReader {
  private buf: Buffer = Buffer.alloc(0);
  /** Position of buf[0] in the body. */
  private base = 0;
  private pos = 0;
  private state = S.Open;
  private first = true;
  private key = "";
  private rows: RowsOf | undefined;
  private rowIndex = 0;
  private collected: unknown[] = [];
  /** Start in buf of the key or value being scanned, -1 between them. */
  private start = -1;
  private depth = 0;
  private inString = false;
  private scalar = false;
  private readonly doc: Record<string, unknown> = {};
  private readonly rowsOf = new Map<string, unknown[]>();
  readonly errors: ErrorObject[] = [];
  private omitted = 0;
  stop: Stop | undefined;

  constructor(
    private readonly c: Compiled,
    private readonly parse: (text: string) => { value?: unknown; error?: Error },
  ) {}

  push(chunk: Buffer): void {
    const keep = this.start >= 0 ? this.start : this.pos;
    this.buf = keep >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(keep), chunk]);
    this.base += keep;
    this.pos -= keep;
    if (this.start >= 0) this.start -= keep;
    this.run();
  }

  /** The body has ended: the document, or why there is none (in `stop`). */
  end(): Record<string, unknown> | undefined {
    if (this.stop) return undefined;
    if (this.state !== S.Done) {
      this.stop = { kind: "syntax", error: syntaxError("Unexpected end of JSON input") };
      return undefined;
    }
    // The rest of the document, with every array of rows empty (its rows were checked one by one).
    const valid = this.c.validateDocument(this.doc);
    const docErrors = valid
      ? []
      : ((this.c.validateDocument.errors ?? []) as ErrorObject[] & { omitted?: number });
    this.omitted += valid ? 0 : (docErrors.omitted ?? 0);
    for (const [key, rows] of this.rowsOf) {
      const r = this.c.rows.get(key)!;
      if (this.errors.length === 0 && rows.length < r.minItems)
        this.errors.push({
          instancePath: pointer([key]),
          schemaPath: "#",
          keyword: "minItems",
          params: { limit: r.minItems },
          message: `must NOT have fewer than ${r.minItems} items`,
        });
    }
    if (docErrors.length > 0 || this.errors.length > 0) {
      this.errors.unshift(...docErrors);
      this.stop = { kind: "invalid", stoppedEarly: false };
      return undefined;
    }
    for (const [key, rows] of this.rowsOf) this.doc[key] = rows;
    checked.add(this.doc);
    return this.doc;
  }

  /** The validation error for the problem handler, bounded as the validator bounds its own. */
  validationError(): Error {
    const listed = bounded(this.errors, this.stop?.kind === "invalid" && this.stop.stoppedEarly);
    listed.omitted += this.omitted;
    return Object.assign(new Error("The document breaks its schema"), {
      statusCode: 400,
      validation: listed as unknown as FastifySchemaValidationError[],
      validationContext: "body",
    });
  }

  private fail(message: string): void {
    this.stop = {
      kind: "syntax",
      error: syntaxError(`${message} in JSON at position ${this.base + this.pos}`),
    };
  }

  private addErrors(errors: readonly ErrorObject[], omitted = 0): void {
    this.errors.push(...errors);
    this.omitted += omitted;
    // The document is refused: its rows are no longer kept.
    for (const rows of this.rowsOf.values()) rows.length = 0;
    if (this.errors.length >= MAX_LISTED_ERRORS) this.stop = { kind: "invalid", stoppedEarly: true };
  }

  private run(): void {
    const buf = this.buf;
    while (this.pos < buf.length && !this.stop) {
      switch (this.state) {
        case S.Open:
        case S.KeyOrEnd:
        case S.Colon:
        case S.Value:
        case S.AfterValue:
        case S.RowOrEnd:
        case S.AfterRow:
        case S.Done: {
          const ch = buf[this.pos]!;
          if (isWs(ch)) {
            this.pos++;
            break;
          }
          this.structural(ch);
          break;
        }
        case S.Key: {
          const q = this.stringEnd();
          if (q < 0) return;
          const text = buf.toString("utf8", this.start, q);
          this.start = -1;
          try {
            this.key = JSON.parse(text) as string;
          } catch {
            this.fail("Bad string");
            return;
          }
          this.state = S.Colon;
          break;
        }
        case S.InValue:
        case S.InRow: {
          if (!this.scan()) return;
          const text = buf.toString("utf8", this.start, this.pos);
          this.start = -1;
          if (this.state === S.InRow) {
            this.row(text);
            this.state = S.AfterRow;
          } else {
            this.value(text);
            this.state = S.AfterValue;
          }
          break;
        }
      }
    }
  }

  private structural(ch: number): void {
    switch (this.state) {
      case S.Open:
        if (ch !== B.openBrace) {
          this.fail("Unexpected token");
          return;
        }
        this.pos++;
        this.state = S.KeyOrEnd;
        this.first = true;
        return;
      case S.KeyOrEnd:
        if (ch === B.closeBrace && this.first) {
          this.pos++;
          this.state = S.Done;
          return;
        }
        if (ch !== B.quote) {
          this.fail("Unexpected token");
          return;
        }
        this.start = this.pos;
        this.pos++;
        this.state = S.Key;
        return;
      case S.Colon: {
        if (ch !== B.colon) {
          this.fail("Unexpected token");
          return;
        }
        this.pos++;
        const key = this.key;
        if (this.c.closed && !(key in this.c.props)) {
          // Refused at once, unread: nothing after an unknown key can make the document valid.
          this.addErrors([
            {
              instancePath: "",
              schemaPath: "#/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key },
              message: "must NOT have additional properties",
            },
          ]);
          this.stop = { kind: "invalid", stoppedEarly: true };
          return;
        }
        this.rows = this.c.rows.get(key);
        this.state = S.Value;
        return;
      }
      case S.Value:
        if (this.rows && ch === B.openBracket) {
          this.pos++;
          this.rowIndex = 0;
          this.collected = [];
          this.rowsOf.set(this.key, this.collected);
          this.doc[this.key] = [];
          this.first = true;
          this.state = S.RowOrEnd;
          return;
        }
        this.begin(ch);
        this.state = S.InValue;
        return;
      case S.AfterValue:
        if (ch === B.comma) {
          this.pos++;
          this.first = false;
          this.state = S.KeyOrEnd;
        } else if (ch === B.closeBrace) {
          this.pos++;
          this.state = S.Done;
        } else this.fail("Unexpected token");
        return;
      case S.RowOrEnd:
        if (ch === B.closeBracket && this.first) {
          this.pos++;
          this.state = S.AfterValue;
          return;
        }
        if (this.rowIndex >= this.rows!.maxItems) {
          const limit = this.rows!.maxItems;
          this.addErrors([
            {
              instancePath: pointer([this.key]),
              schemaPath: "#",
              keyword: "maxItems",
              params: { limit },
              message: `must NOT have more than ${limit} items`,
            },
          ]);
          this.stop = { kind: "invalid", stoppedEarly: true };
          return;
        }
        this.begin(ch);
        this.state = S.InRow;
        return;
      case S.AfterRow:
        if (ch === B.comma) {
          this.pos++;
          this.first = false;
          this.state = S.RowOrEnd;
        } else if (ch === B.closeBracket) {
          this.pos++;
          this.state = S.AfterValue;
        } else this.fail("Unexpected token");
        return;
      case S.Done:
        this.fail("Unexpected token");
        return;
    }
  }

  /** Starts scanning a value whose first byte is `ch`, at `pos`. */
  private begin(ch: number): void {
    this.start = this.pos;
    this.depth = 0;
    this.inString = false;
    this.scalar = false;
    if (ch === B.openBrace || ch === B.openBracket) {
      this.depth = 1;
      this.pos++;
    } else if (ch === B.quote) {
      this.inString = true;
      this.pos++;
    } else this.scalar = true;
  }

  /** The position just past the closing quote of the string being read (escapes skipped), or -1: read on. */
  private stringEnd(): number {
    const buf = this.buf;
    for (;;) {
      const q = buf.indexOf(B.quote, this.pos);
      if (q < 0) {
        this.pos = buf.length;
        return -1;
      }
      let b = q - 1;
      while (b > this.start && buf[b] === B.backslash) b--;
      this.pos = q + 1;
      if ((q - 1 - b) % 2 === 0) return q + 1;
    }
  }

  /** Scans on through the value begun by `begin`: true once `pos` is just past its end. */
  private scan(): boolean {
    const buf = this.buf;
    for (;;) {
      if (this.inString) {
        if (this.stringEnd() < 0) return false;
        this.inString = false;
        if (this.depth === 0) return true;
        continue;
      }
      if (this.pos >= buf.length) return false;
      const ch = buf[this.pos]!;
      if (this.scalar) {
        if (ch === B.comma || ch === B.closeBrace || ch === B.closeBracket || ch === B.colon || isWs(ch))
          return true;
        this.pos++;
        continue;
      }
      this.pos++;
      if (ch === B.quote) this.inString = true;
      else if (ch === B.openBrace || ch === B.openBracket) this.depth++;
      else if ((ch === B.closeBrace || ch === B.closeBracket) && --this.depth === 0) return true;
    }
  }

  /** A top-level value other than an array of rows: parsed alone, validated with the document at the end. */
  private value(text: string): void {
    const sub = this.c.props[this.key];
    if (text.length > SHAPE_CHECK_MIN_CHARS && sub) {
      const error = shapeError(text, sub);
      if (error) {
        this.addErrors(at(pointer([this.key]), [error]));
        return;
      }
    }
    const parsed = this.parse(text);
    if (parsed.error) {
      this.stop = { kind: "syntax", error: parsed.error };
      return;
    }
    this.doc[this.key] = parsed.value;
  }

  /** One row: parsed and validated now. */
  private row(text: string): void {
    const rows = this.rows!;
    const prefix = pointer([this.key, this.rowIndex++]);
    if (text.length > SHAPE_CHECK_MIN_CHARS) {
      const error = shapeError(text, rows.schema);
      if (error) {
        this.addErrors(at(prefix, [error]));
        return;
      }
    }
    const parsed = this.parse(text);
    if (parsed.error) {
      this.stop = { kind: "syntax", error: parsed.error };
      return;
    }
    if (!rows.validate(parsed.value)) {
      const errors = (rows.validate.errors ?? []) as ErrorObject[] & { omitted?: number };
      this.addErrors(at(prefix, errors), errors.omitted ?? 0);
      return;
    }
    if (this.errors.length === 0) this.collected.push(parsed.value);
  }
}

/**
 * Makes the `application/json` parser of the current plugin read bodies as documents of rows (see the top),
 * for routes whose body schema is `schema`; other bodies of the plugin are parsed as by the app's parser.
 * Returns the validator compiler the routes must use, so that a document built here is not validated twice.
 */
export function readJsonRowsAsTheyArrive(
  app: FastifyInstance,
  schema: object,
): FastifySchemaCompiler<unknown> {
  const compiled = compile(schema as Schema);
  const defaultParse = app.getDefaultJsonParser("error", "error");
  const parse = (request: FastifyRequest) => (text: string) => {
    let out: { value?: unknown; error?: Error } = {};
    defaultParse(request, text, (error, value) => {
      out = error ? { error } : { value };
    });
    return out;
  };
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", (request, payload, done) => {
    if (request.routeOptions.schema?.body !== schema) {
      // Not a document route of this plugin: read whole, as everywhere else.
      return readWhole(request, payload, (error, text) =>
        error ? done(error, undefined) : parseJsonText(request, text!, done),
      );
    }
    const limit = request.routeOptions.bodyLimit;
    const declared = Number(request.headers["content-length"]);
    if (declared > limit) {
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
      return;
    }
    const reader = new DocumentReader(compiled, parse(request));
    let received = 0;
    let sniffing: Buffer[] | undefined = [];
    let finished = false;
    const finish = (error: Error | null, value?: unknown) => {
      if (finished) return;
      finished = true;
      payload.removeListener("data", onData);
      payload.removeListener("end", onEnd);
      payload.removeListener("error", onEnd);
      done(error, value);
    };
    /** The answer once reading has stopped: the rest of the body is received and dropped, never parsed. */
    let refused: Error | undefined;
    const stopped = () => {
      const stop = reader.stop;
      if (!stop) return false;
      // Answered when the body ends: Fastify closes the connection after a parser's error, and closing it
      // while the client still sends resets it before the client reads the answer.
      refused ??= stop.kind === "syntax" ? stop.error : reader.validationError();
      return true;
    };
    function onData(chunk: Buffer | string) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) return finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      if (refused) return;
      if (sniffing) {
        // The first byte that is not white space says whether this is an object, read as it arrives.
        sniffing.push(bytes);
        const all = Buffer.concat(sniffing);
        let i = 0;
        while (i < all.length && isWs(all[i]!)) i++;
        if (i === all.length) return;
        if (all[i] !== B.openBrace) {
          // Not an object: read whole and parsed as by the app's parser (which names what is wrong).
          const rest: Buffer[] = [all];
          payload.removeListener("data", onData);
          payload.removeListener("end", onEnd);
          payload.removeListener("error", onEnd);
          finished = true;
          return readWhole(
            request,
            payload,
            (error, text) => (error ? done(error, undefined) : parseJsonText(request, text!, done)),
            rest,
            received,
          );
        }
        sniffing = undefined;
        reader.push(all);
      } else reader.push(bytes);
      stopped();
    }
    function onEnd(error?: Error) {
      if (error) return finish(Object.assign(error, { statusCode: 400 }));
      if (!Number.isNaN(declared) && received !== declared)
        return finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      if (refused) return finish(refused);
      if (sniffing) {
        // Empty, or white space only: as the app's parser says.
        const text = Buffer.concat(sniffing).toString("utf8");
        finished = true;
        payload.removeListener("data", onData);
        payload.removeListener("end", onEnd);
        payload.removeListener("error", onEnd);
        return parseJsonText(request, text, done);
      }
      const doc = reader.end();
      if (stopped()) finish(refused!);
      else finish(null, doc);
    }
    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", onEnd);
    payload.resume();
  });
  return (route) => {
    const full = validatorCompiler(route) as unknown as Validate;
    if (route.httpPart !== "body") return full as never;
    const validate: Validate = (data: unknown) => {
      if (data !== null && typeof data === "object" && checked.has(data)) {
        validate.errors = null;
        return true;
      }
      const ok = full(data);
      validate.errors = full.errors;
      return ok;
    };
    return validate as never;
  };
}

/** A body read whole within its route's limit, as Fastify reads one, as text. */
function readWhole(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  done: (error: Error | null, text?: string) => void,
  chunks: Buffer[] = [],
  already = 0,
): void {
  const limit = request.routeOptions.bodyLimit;
  const declared = Number(request.headers["content-length"]);
  if (declared > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  let received = already;
  const off = () => {
    payload.removeListener("data", onData);
    payload.removeListener("end", onEnd);
    payload.removeListener("error", onEnd);
  };
  function onData(chunk: Buffer | string) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received > limit) {
      off();
      return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    }
    chunks.push(bytes);
  }
  function onEnd(error?: Error) {
    off();
    if (error) {
      done(Object.assign(error, { statusCode: 400 }));
      return;
    }
    if (!Number.isNaN(declared) && received !== declared)
      return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    done(null, Buffer.concat(chunks).toString("utf8"));
  }
  payload.on("data", onData);
  payload.on("end", onEnd);
  payload.on("error", onEnd);
  payload.resume();
}
