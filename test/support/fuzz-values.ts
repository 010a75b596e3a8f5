import type { SchemaNode } from "./schema-walk.js";

/** A seeded PRNG in [0, 1) (mulberry32): the same seed makes the same requests. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings an attacker or a careless client sends: empty, control characters, markup, SQL, bad days… */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "null",
  "-1",
  "../../etc/passwd",
  "%zz",
  "<script>alert(1)</script>",
  "'; DROP TABLE books;--",
  "😀😀😀",
  "\u202Eevil",
  "\ud800",
  "2030-12-31T23:59:60Z",
  "2026-02-30",
  "9999-99-99",
  "0000-00-00T00:00:00Z",
  "NaN",
  "1e309",
  "javascript:alert(1)",
  "http://127.0.0.1:6379/",
  "a".repeat(300),
];

const HOSTILE_NUMBERS = [-1, 0, 1.5, -0.5, 2 ** 53, -(2 ** 53), 1e308, 999_999_999];
const HOSTILE_ANY: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  "x",
  0,
  [[[]]],
  [null],
  { constructor: { prototype: 1 } },
];

const PATTERN_CANDIDATES = [
  "a",
  "abc",
  "Dune",
  "dune",
  "0441013597",
  "9780441013593",
  "08:30",
  "20:00",
  "2026-03-07",
  "Europe/Paris",
  "UTC",
  "openlibrary",
  "rl_abc",
  "x-1",
];

export interface Generator {
  rng: () => number;
  /** Chance that any one value is replaced by a hostile one (0: valid-ish only). */
  hostility: number;
  resolve(s: SchemaNode): SchemaNode;
}

const pick = <T>(g: Generator, xs: readonly T[]): T => xs[Math.floor(g.rng() * xs.length)]!;
const int = (g: Generator, lo: number, hi: number) => lo + Math.floor(g.rng() * (hi - lo + 1));
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 éü";
const text = (g: Generator, n: number) => Array.from({ length: n }, () => pick(g, [...ALNUM])).join("");

function day(g: Generator): string {
  return new Date(Date.UTC(int(g, 2000, 2030), int(g, 0, 11), int(g, 1, 28))).toISOString().slice(0, 10);
}

function stringFor(s: SchemaNode, g: Generator): string {
  if (s.format === "date") return day(g);
  if (s.format === "date-time")
    return new Date(Date.UTC(int(g, 2000, 2030), int(g, 0, 11), int(g, 1, 28), int(g, 0, 23))).toISOString();
  if (s.format === "email") return `fuzz${int(g, 0, 1e6)}@example.com`;
  if (s.format === "uri" || s.format === "url") return `https://example.com/${text(g, 5).replace(/\W/g, "")}`;
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, min + 30);
  if (s.pattern) {
    const re = new RegExp(s.pattern, "u");
    const fits = PATTERN_CANDIDATES.filter(
      (c) => re.test(c) && c.length >= min && c.length <= (s.maxLength ?? 1e9),
    );
    if (fits.length > 0) return pick(g, fits);
  }
  return text(g, int(g, Math.max(min, 1), Math.max(max, 1))).slice(0, s.maxLength ?? 1e9);
}

function hostileFor(s: SchemaNode, g: Generator): unknown {
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const roll = g.rng();
  if (types.includes("string")) {
    if (roll < 0.3 && s.maxLength !== undefined && s.maxLength <= 2_000) return "x".repeat(s.maxLength + 1);
    if (roll < 0.8) return pick(g, HOSTILE_STRINGS);
  }
  if ((types.includes("integer") || types.includes("number")) && roll < 0.8) {
    if (roll < 0.3 && s.maximum !== undefined) return s.maximum + 1;
    if (roll < 0.4 && s.minimum !== undefined) return s.minimum - 1;
    return pick(g, HOSTILE_NUMBERS);
  }
  if (types.includes("array") && roll < 0.4 && s.maxItems !== undefined && s.maxItems <= 100)
    return Array.from({ length: s.maxItems + 1 }, () => (s.items ? valueFor(s.items, g, 5) : 1));
  if (types.includes("object") && roll < 0.5) {
    const v = valueFor(s, { ...g, hostility: 0 }, 5);
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length > 0 && g.rng() < 0.5) delete o[pick(g, keys)];
      else o[`unknown${int(g, 0, 9)}`] = pick(g, HOSTILE_ANY);
      return o;
    }
  }
  return pick(g, HOSTILE_ANY);
}

/** A value for the schema: valid-ish, each part replaced by a hostile one with probability `hostility`. */
export function valueFor(raw: SchemaNode, g: Generator, depth = 0): unknown {
  const s = g.resolve(raw);
  if (depth < 8 && g.rng() < g.hostility) return hostileFor(s, g);
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(g, s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return valueFor(pick(g, branches), g, depth + 1);
  if (s.allOf)
    return Object.assign({}, ...s.allOf.map((x) => valueFor(x, { ...g, hostility: 0 }, depth + 1)));
  const type = Array.isArray(s.type) ? pick(g, s.type) : s.type;
  switch (type) {
    case "string":
      return stringFor(s, g);
    case "integer":
    case "number": {
      const lo = s.minimum ?? -10;
      const hi = Math.min(s.maximum ?? 5_000, lo + 5_000);
      const n = g.rng() < 0.2 ? pick(g, [lo, hi]) : lo + g.rng() * (hi - lo);
      return type === "integer" ? Math.round(n) : Math.round(n * 100) / 100;
    }
    case "boolean":
      return g.rng() < 0.5;
    case "null":
      return null;
    case "array": {
      if (depth > 6 || !s.items) return [];
      const n = int(g, s.minItems ?? 0, Math.min(s.maxItems ?? 4, (s.minItems ?? 0) + 3));
      return Array.from({ length: n }, () => valueFor(s.items!, g, depth + 1));
    }
    case "object": {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      const required = new Set(s.required ?? []);
      for (const [k, p] of Object.entries(s.properties ?? {}))
        if (required.has(k) || g.rng() < 0.5) out[k] = valueFor(p, g, depth + 1);
      return out;
    }
    default:
      return g.rng() < 0.5 ? text(g, 5) : int(g, 0, 100);
  }
}
