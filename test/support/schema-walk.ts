import type { RouteOptions } from "fastify";

/** A JSON schema node as TypeBox writes it (only what the walkers read). */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  patternProperties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  default?: unknown;
}

export const REQUEST_PARTS = ["body", "querystring", "params", "headers"] as const;
export type RequestPart = (typeof REQUEST_PARTS)[number];

/** The request schemas of a route, keyed by part. */
export function requestSchemas(route: RouteOptions): Partial<Record<RequestPart, SchemaNode>> {
  const schema = (route.schema ?? {}) as Partial<Record<RequestPart, SchemaNode>>;
  return Object.fromEntries(REQUEST_PARTS.flatMap((p) => (schema[p] ? [[p, schema[p]]] : [])));
}

/** Follows `$ref` to the shared schemas the route can see (`routeSchemas`). */
export function resolver(shared: Record<string, unknown>): (s: SchemaNode) => SchemaNode {
  return (s) => {
    let node = s;
    for (let hops = 0; node.$ref && hops < 10; hops++) {
      const target = shared[node.$ref.replace(/#$/, "")] as SchemaNode | undefined;
      if (!target) throw new Error(`unresolved $ref ${node.$ref}`);
      node = target;
    }
    return node;
  };
}

const types = (s: SchemaNode): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/**
 * Every place in a request schema a client could make arbitrarily large: a string without `maxLength`
 * (a `const`/`enum` is bounded by its values; `format: "binary"` marks a raw body read as a stream against
 * its byte cap, never validated), an array without `maxItems`, an object that admits keys beyond its named
 * properties without `maxProperties`. Path params and headers are open objects by nature and bounded by
 * the server (the router passes only the route's params, each at most `maxParamLength`; Node caps all
 * headers at `maxHeaderSize`), so `openObjects: false` skips that check for them. Each place is reported
 * as its JSON pointer and the fault.
 */
export function unboundedPlaces(
  root: SchemaNode,
  resolve: (s: SchemaNode) => SchemaNode,
  openObjects = true,
): string[] {
  const found: string[] = [];
  const seen = new Set<SchemaNode>();
  const walk = (raw: SchemaNode, at: string) => {
    const s = resolve(raw);
    if (seen.has(s)) return;
    seen.add(s);
    if (s.const !== undefined || s.enum || s.format === "binary") return;
    const t = types(s);
    if (t.includes("string") && s.maxLength === undefined) found.push(`${at}: string without maxLength`);
    if (t.includes("array")) {
      if (s.maxItems === undefined) found.push(`${at}: array without maxItems`);
      if (s.items) walk(s.items, `${at}/items`);
    }
    if (t.includes("object")) {
      const open = s.additionalProperties !== false || s.patternProperties !== undefined;
      if (openObjects && open && s.maxProperties === undefined)
        found.push(`${at}: object open to any key without maxProperties`);
      for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, `${at}/${k}`);
      if (typeof s.additionalProperties === "object") walk(s.additionalProperties, `${at}/*`);
      for (const [k, p] of Object.entries(s.patternProperties ?? {})) walk(p, `${at}/${k}`);
    }
    for (const key of ["anyOf", "oneOf", "allOf"] as const)
      for (const [i, sub] of (s[key] ?? []).entries()) walk(sub, `${at}/${key}/${i}`);
  };
  walk(root, "");
  return found;
}
