import type { PlanTerm } from "./query-parser.js";
import type { MarkedText } from "./search-index.js";
import { foldWord, stemTerm, type Token, tokenize } from "./text-analysis.js";

/**
 * Snippets are cut in JS from the stored text with the same analysis the index used, so they look the same
 * on both engines and mark exactly what matched (stems, prefixes, phrases, CJK bigrams), never HTML.
 */

/** Characters of body shown around the matches. */
export const SNIPPET_CHARS = 240;
const LEAD = 60;
const MAX_TITLE = 300;

type Range = [number, number];

function mergeRanges(ranges: Range[]): Range[] {
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Ranges of `text` matched by the positive terms, each tagged with the index of the term it matched. */
function matches(text: string, tokens: Token[], terms: readonly PlanTerm[], language: string | undefined) {
  const found: Array<{ range: Range; term: number }> = [];
  // Stemming every token of every hit was most of a search's time: a token is stemmed only when it begins
  // like one of the query's stems (Snowball changes endings, not beginnings).
  const stems = new Map<number, string | undefined>();
  const stemAt = (i: number) => {
    if (!stems.has(i)) stems.set(i, stemTerm(tokens[i]!.word, language));
    return stems.get(i);
  };
  terms.forEach((pt, ti) => {
    if (pt.negated) return;
    if (pt.type === "word") {
      const heads = pt.stems.map((st) => st.slice(0, 3));
      tokens.forEach((t, i) => {
        if (t.cjk) return;
        const hit =
          t.term === pt.term ||
          (pt.prefix && t.term.startsWith(pt.term)) ||
          (heads.some((h) => t.term.startsWith(h)) && pt.stems.includes(stemAt(i) ?? ""));
        if (hit) found.push({ range: [t.start, t.end], term: ti });
      });
    } else if (pt.type === "char") {
      for (const t of tokens) {
        if (!t.cjk) continue;
        // Find the character inside the token's original text.
        let at = t.start;
        for (const ch of text.slice(t.start, t.end)) {
          if (foldWord(ch.toLowerCase()) === pt.term) found.push({ range: [at, at + ch.length], term: ti });
          at += ch.length;
        }
      }
    } else {
      const n = pt.terms.length;
      for (let i = 0; i + n <= tokens.length; i++) {
        let ok = true;
        for (let k = 0; k < n && ok; k++) {
          const tok = tokens[i + k]!.term;
          const want = pt.terms[k]!;
          ok = tok === want || (k === n - 1 && pt.prefix && tok.startsWith(want));
        }
        if (ok) found.push({ range: [tokens[i]!.start, tokens[i + n - 1]!.end], term: ti });
      }
    }
  });
  return found;
}

/** Cuts `text` at a word boundary at or before `at` (looking back a little). */
function boundaryBefore(text: string, at: number): number {
  if (at <= 0) return 0;
  const back = text.slice(Math.max(0, at - 20), at);
  const sp = back.search(/\s\S*$/);
  return sp === -1 ? at : Math.max(0, at - 20) + sp + 1;
}

function boundaryAfter(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const ahead = text.slice(at, at + 20);
  const sp = ahead.search(/\s/);
  return sp === -1 ? at : at + sp;
}

/** The whole (short) text with its matches marked: titles. */
export function markAll(text: string, terms: readonly PlanTerm[], language?: string): MarkedText {
  const shown = text.length > MAX_TITLE ? text.slice(0, boundaryAfter(text, MAX_TITLE)) : text;
  const marks = mergeRanges(matches(shown, tokenize(shown), terms, language).map((m) => m.range));
  return { text: shown, marks, cutStart: false, cutEnd: shown.length < text.length };
}

/** A passage of about SNIPPET_CHARS around the densest matches of `terms`, with the matches marked. */
export function snippet(text: string, terms: readonly PlanTerm[], language?: string): MarkedText {
  const tokens = tokenize(text);
  const found = matches(text, tokens, terms, language);
  let start = 0;
  if (found.length > 0 && text.length > SNIPPET_CHARS) {
    // The window (starting at a match) that holds the most distinct terms, then the most matches.
    found.sort((a, b) => a.range[0] - b.range[0]);
    let best = { at: found[0]!.range[0], distinct: 0, count: 0 };
    for (let i = 0; i < found.length; i++) {
      const from = found[i]!.range[0];
      const seen = new Set<number>();
      let count = 0;
      for (let j = i; j < found.length && found[j]!.range[1] <= from + SNIPPET_CHARS - LEAD; j++) {
        seen.add(found[j]!.term);
        count++;
      }
      if (seen.size > best.distinct || (seen.size === best.distinct && count > best.count)) {
        best = { at: from, distinct: seen.size, count };
      }
    }
    start = boundaryBefore(text, Math.max(0, best.at - LEAD));
  }
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  if (end < text.length) end = boundaryAfter(text, end);
  if (end - start > SNIPPET_CHARS + 20) end = start + SNIPPET_CHARS;
  // Never cut a surrogate pair in two.
  if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1] ?? "")) end++;
  if (start > 0 && /[\udc00-\udfff]/.test(text[start] ?? "")) start--;
  const shown = text.slice(start, end);
  const marks = mergeRanges(
    found
      .map((m) => m.range)
      .filter(([s, e]) => s >= start && e <= end)
      .map(([s, e]): Range => [s - start, e - start]),
  );
  return { text: shown, marks, cutStart: start > 0, cutEnd: end < text.length };
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** The marked text as HTML: the text escaped, each match in `<mark>`, cuts shown as `…`. */
export function markedToHtml(t: MarkedText, tag = "mark"): string {
  let out = t.cutStart ? "…" : "";
  let at = 0;
  for (const [s, e] of t.marks) {
    out += `${escapeHtml(t.text.slice(at, s))}<${tag}>${escapeHtml(t.text.slice(s, e))}</${tag}>`;
    at = e;
  }
  return out + escapeHtml(t.text.slice(at)) + (t.cutEnd ? "…" : "");
}
