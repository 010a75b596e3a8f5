import { STEMMED_LANGUAGES } from "./stemmers.js";
import { stemTerm, tokenize } from "./text-analysis.js";

/**
 * The user's query language, parsed here into an AST so that nothing the user types reaches an engine's
 * own syntax: words (all must match), `"a phrase"`, `drea*` (prefix), `-word` / `-"phrase"` (exclude).
 * The last word is also matched as a prefix while it is being typed (no space after it). Everything else
 * (`NEAR`, `AND`, `:`, `(`, `^`, `+`) is ordinary text: punctuation separates words, keywords are words.
 */

/** Longest query accepted, in characters. */
export const MAX_QUERY_CHARS = 1000;
/** Most words and phrases in one query. */
export const MAX_QUERY_TERMS = 32;
/** Shortest word matched as a prefix when the user did not ask (`ca` would expand to thousands). */
export const AUTO_PREFIX_MIN = 3;
/** Shortest explicit prefix (`d*` is searched as the word `d`). */
export const PREFIX_MIN = 2;

/** A query that cannot be run; `rule` names what is wrong with field `q` (or `cursor`). */
export class SearchQueryError extends Error {
  constructor(
    readonly field: "q" | "cursor" | "limit" | "from" | "to" | "kinds" | "tags",
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = "SearchQueryError";
  }
}

/** One node of the user's query as typed. */
export type QueryNode =
  /** `auto`: the prefix was not typed; it is the last word, still being typed. */
  | { type: "word"; text: string; prefix: boolean; negated: boolean; auto?: boolean }
  | { type: "phrase"; text: string; prefix: boolean; negated: boolean };

/** What the engines are asked for one node, after analysis. */
export type PlanTerm =
  /** One word: the folded form (words columns, optionally as a prefix) or any language's stem. */
  | { type: "word"; term: string; prefix: boolean; stems: string[]; negated: boolean }
  /** Consecutive terms in the words columns; the last one may be a prefix. */
  | { type: "phrase"; terms: string[]; prefix: boolean; negated: boolean }
  /** A single character of a no-space script: any bigram containing it. */
  | { type: "char"; term: string; negated: boolean };

export interface QueryPlan {
  nodes: QueryNode[];
  terms: PlanTerm[];
}

const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/gu;
const SPACE = /\s/u;
const QUOTES = new Set(['"', "“", "”", "„", "«", "»", "＂"]);
const MINUS = new Set(["-", "−", "–"]);
const SEPARATORS = /[^\p{L}\p{N}\p{M}\-'’._/@*]+/u;

/** Parses the user's text into nodes; throws SearchQueryError for an over-long or over-complex query. */
export function parseQuery(raw: string): QueryNode[] {
  if (raw.length > MAX_QUERY_CHARS * 4) {
    throw new SearchQueryError(
      "q",
      "maxLength",
      `The search text is longer than ${MAX_QUERY_CHARS} characters`,
    );
  }
  const text = raw.replace(CONTROL, " ").normalize("NFC");
  if (text.trim().length > MAX_QUERY_CHARS) {
    throw new SearchQueryError(
      "q",
      "maxLength",
      `The search text is longer than ${MAX_QUERY_CHARS} characters`,
    );
  }
  const nodes: QueryNode[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    let negated = false;
    if (MINUS.has(c) && i + 1 < n && !SPACE.test(text[i + 1]!)) {
      negated = true;
      i++;
    }
    if (QUOTES.has(text[i]!)) {
      let j = i + 1;
      while (j < n && !QUOTES.has(text[j]!)) j++;
      let inner = text.slice(i + 1, j).trim();
      const prefix = inner.endsWith("*");
      inner = inner.replace(/\*+$/, "");
      nodes.push({ type: "phrase", text: inner, prefix, negated });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < n && !SPACE.test(text[j]!) && !QUOTES.has(text[j]!)) j++;
    // Punctuation that joins parts of one word (`e-mail`, `l'amour`, `3.14`) keeps them together as a
    // phrase; any other (`title:near`, `NEAR(a`) separates words.
    for (const part of text.slice(i, j).split(SEPARATORS)) {
      if (part === "") continue;
      const prefix = /\*+$/.test(part);
      nodes.push({ type: "word", text: part.replace(/\*+$/, ""), prefix, negated });
    }
    i = j;
  }
  // As-you-type: the last word, when nothing follows it, also matches words it begins.
  const last = nodes[nodes.length - 1];
  if (last && last.type === "word" && !last.negated && !last.prefix && !SPACE.test(text[n - 1] ?? " ")) {
    nodes[nodes.length - 1] = { ...last, prefix: true, auto: true };
  }
  return nodes;
}

function isAuto(node: QueryNode): boolean {
  return node.type === "word" && node.auto === true;
}

function uniqueStems(word: string, languages: readonly string[]): string[] {
  const out = new Set<string>();
  for (const lang of languages) {
    const s = stemTerm(word, lang);
    if (s) out.add(s);
  }
  return [...out];
}

/** Analyses the nodes with the index's own text analysis; throws when nothing searchable is left. */
export function planQuery(raw: string, languages: readonly string[] = STEMMED_LANGUAGES): QueryPlan {
  const nodes = parseQuery(raw);
  const terms: PlanTerm[] = [];
  for (const node of nodes) {
    const tokens = tokenize(node.text);
    if (tokens.length === 0) continue;
    const negated = node.negated;
    if (node.type === "word" && tokens.length === 1) {
      const t = tokens[0]!;
      if (t.cjk) {
        terms.push(
          [...t.term].length === 1
            ? { type: "char", term: t.term, negated }
            : { type: "phrase", terms: [t.term], prefix: false, negated },
        );
        continue;
      }
      const min = isAuto(node) ? AUTO_PREFIX_MIN : PREFIX_MIN;
      const prefix = node.prefix && [...t.term].length >= min;
      terms.push({ type: "word", term: t.term, prefix, stems: uniqueStems(t.word, languages), negated });
      continue;
    }
    const lastTok = tokens[tokens.length - 1]!;
    const min = isAuto(node) ? AUTO_PREFIX_MIN : PREFIX_MIN;
    const prefix = node.prefix && !lastTok.cjk && [...lastTok.term].length >= min;
    terms.push({ type: "phrase", terms: tokens.map((t) => t.term), prefix, negated });
  }
  if (terms.length > MAX_QUERY_TERMS) {
    throw new SearchQueryError(
      "q",
      "maxTerms",
      `The search has more than ${MAX_QUERY_TERMS} words or phrases`,
    );
  }
  if (terms.length === 0) {
    throw new SearchQueryError("q", "noWords", "The search text has no words to look for");
  }
  if (terms.every((t) => t.negated)) {
    throw new SearchQueryError(
      "q",
      "onlyExclusions",
      "The search only excludes words (-word); add at least one word to look for",
    );
  }
  return { nodes, terms };
}
