import approxSearch from "approx-string-match";
import type { TextPositionSelector, TextQuoteSelector } from "./highlight-location.js";

/**
 * Finding a quote again in a new version of a text (an article re-fetched, a note edited), the way
 * Hypothesis does it — exact position, then exact text, then an approximate match scored by quote, context
 * and position — but biased to say "orphan" rather than risk pointing at the wrong passage: a fuzzy match
 * must be close, supported by its context when there is any, and clearly better than the runner-up.
 */

export type Anchor =
  | {
      status: "anchored";
      start: number;
      end: number;
      /** The text now at [start, end) (differs from the quote after a fuzzy match). */
      exact: string;
      /** How it was found. */
      method: "position" | "exact" | "fuzzy";
      /** Edits between the quote and the text found. */
      errors: number;
    }
  | { status: "orphan"; reason: "not-found" | "ambiguous" | "too-different" };

/** Context length a selector is made with (what Hypothesis uses). */
export const CONTEXT_CHARS = 32;

/** The quote selector for [start, end) of `text`. */
export function quoteSelector(
  text: string,
  start: number,
  end: number,
  context = CONTEXT_CHARS,
): TextQuoteSelector {
  return {
    exact: text.slice(start, end),
    prefix: text.slice(Math.max(0, start - context), start),
    suffix: text.slice(end, Math.min(text.length, end + context)),
  };
}

/** Levenshtein distance, for short strings (context windows). */
function distance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** 1 when the strings are equal, 0 when nothing is alike (relative to the longer one). */
function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - distance(a, b) / n;
}

interface Candidate {
  start: number;
  end: number;
  errors: number;
}

/** The weights Hypothesis gives quote, prefix, suffix and position. */
const W = { quote: 50, prefix: 20, suffix: 20, position: 2 };
/** Shortest quote matched approximately (shorter ones must match exactly: too many near-matches). */
const MIN_FUZZY = 10;
/** Most edits allowed, as a share of the quote's length. */
const MAX_ERROR_SHARE = 0.2;
/** Most occurrences scored (a quote of `the` in a long text has thousands). */
const MAX_CANDIDATES = 1000;

function exactOccurrences(text: string, exact: string): Candidate[] {
  const out: Candidate[] = [];
  for (let i = text.indexOf(exact); i !== -1 && out.length < MAX_CANDIDATES; i = text.indexOf(exact, i + 1)) {
    out.push({ start: i, end: i + exact.length, errors: 0 });
  }
  return out;
}

/**
 * Where `quote` is in `text` now. `position` (where it was) is a hint: used first when the text there is
 * still the quote, and to choose between otherwise equal matches.
 */
export function reanchor(text: string, quote: TextQuoteSelector, position?: TextPositionSelector): Anchor {
  const exact = quote.exact;
  const prefix = quote.prefix ?? "";
  const suffix = quote.suffix ?? "";
  if (exact === "") return { status: "orphan", reason: "not-found" };
  const contextScore = (c: Candidate) => {
    const before = text.slice(Math.max(0, c.start - prefix.length), c.start);
    const after = text.slice(c.end, c.end + suffix.length);
    return {
      prefix: prefix === "" ? 1 : similarity(before, prefix),
      suffix: suffix === "" ? 1 : similarity(after, suffix),
    };
  };
  // 1. Still where it was, with its context.
  if (position && text.slice(position.start, position.end) === exact) {
    const ctx = contextScore({ ...position, errors: 0 });
    if ((prefix === "" && suffix === "") || ctx.prefix + ctx.suffix >= 1) {
      return {
        status: "anchored",
        start: position.start,
        end: position.end,
        exact,
        method: "position",
        errors: 0,
      };
    }
  }
  // 2. Exact occurrences; 3. approximate ones when there are none.
  let candidates = exactOccurrences(text, exact);
  let method: "exact" | "fuzzy" = "exact";
  if (candidates.length === 0) {
    if (exact.length < MIN_FUZZY) return { status: "orphan", reason: "not-found" };
    method = "fuzzy";
    const maxErrors = Math.min(256, Math.floor(exact.length * MAX_ERROR_SHARE));
    candidates = approxSearch(text, exact, maxErrors).slice(0, MAX_CANDIDATES);
    if (candidates.length === 0) return { status: "orphan", reason: "too-different" };
  }
  const hint = position?.start;
  const scored = candidates.map((c) => {
    const ctx = contextScore(c);
    const quoteSim = 1 - c.errors / exact.length;
    const pos = hint === undefined || text.length === 0 ? 0 : 1 - Math.abs(c.start - hint) / text.length;
    return {
      c,
      ctx,
      quoteSim,
      score: W.quote * quoteSim + W.prefix * ctx.prefix + W.suffix * ctx.suffix + W.position * pos,
      contextOnly: W.quote * quoteSim + W.prefix * ctx.prefix + W.suffix * ctx.suffix,
    };
  });
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0]!;
  const second = scored[1];
  const hasContext = prefix !== "" || suffix !== "";
  if (method === "fuzzy") {
    // A changed quote needs its surroundings to vouch for it.
    if (hasContext && (best.ctx.prefix + best.ctx.suffix) / 2 < 0.5)
      return { status: "orphan", reason: "too-different" };
    if (!hasContext && best.quoteSim < 0.9) return { status: "orphan", reason: "too-different" };
  }
  if (second) {
    // Two places that quote and context cannot tell apart: only a position hint may choose, and only by far.
    const tie = best.contextOnly - second.contextOnly < 1;
    if (tie) {
      if (hint === undefined) return { status: "orphan", reason: "ambiguous" };
      const dBest = Math.abs(best.c.start - hint);
      const dSecond = Math.abs(second.c.start - hint);
      if (!(dBest * 4 < dSecond || dBest <= exact.length)) return { status: "orphan", reason: "ambiguous" };
    }
  }
  if (
    method === "exact" &&
    hasContext &&
    !second &&
    (best.ctx.prefix + best.ctx.suffix) / 2 < 0.2 &&
    exact.length < MIN_FUZZY
  ) {
    // A short quote found once, in a place that shares nothing of its context: not the same passage.
    return { status: "orphan", reason: "too-different" };
  }
  return {
    status: "anchored",
    start: best.c.start,
    end: best.c.end,
    exact: text.slice(best.c.start, best.c.end),
    method,
    errors: best.c.errors,
  };
}
