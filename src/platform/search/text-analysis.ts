import { stemmerFor } from "./stemmers.js";

/**
 * The one text analysis both search adapters share, so SQLite and PostgreSQL find exactly the same
 * documents: words are folded (case, diacritics, ligatures, full-width forms), stemmed per the document's
 * language, and scripts written without spaces (Chinese, Japanese, Thai, …) are cut into overlapping
 * character bigrams. The engines index the resulting terms as they are (FTS5 `unicode61` on terms with no
 * punctuation left, PostgreSQL tsvector literals), and queries go through the same functions.
 */

/** Longest token kept (in UTF-16 code units): longer runs (base64, URLs without breaks) are cut there. */
export const MAX_TOKEN_CHARS = 64;

/** Characters of a field analysed for the index; the rest of a very long note is stored but not indexed. */
export const MAX_INDEXED_CHARS = 200_000;

/** One analysed token with where it came from in the original string. */
export interface Token {
  /** The folded form as indexed (lower case, no diacritics). */
  term: string;
  /** Offsets into the original string: [start, end). */
  start: number;
  end: number;
  /** From a script written without spaces: `term` is a character bigram (or a lone character). */
  cjk: boolean;
  /** The lower-case, unfolded word (what the stemmer wants); "" for CJK tokens. */
  word: string;
}

// A run of letters, digits and combining marks; everything else separates words.
const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
// Scripts written without spaces between words.
const NO_SPACE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}\u3005\u30fc]/u;
const NO_SPACE_START = new RegExp(`^${NO_SPACE.source}`, "u");
const MARK = /\p{M}/u;
const COMBINING_DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const NON_ASCII = /[^ -~\t\n\r]/; // anything but printable ASCII
// Letters that Unicode does not decompose but readers treat as a base letter plus something.
const SPECIAL: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  þ: "th",
  ł: "l",
  ı: "i",
  ħ: "h",
  ŀ: "l",
};
const SPECIAL_RE = /[ßæœøđðþłıħŀ]/g;

/** Folds a lower-case word: diacritics dropped (`años` → `anos`), `ß` → `ss`, ligatures and full-width forms plain. */
export function foldWord(lower: string): string {
  if (!NON_ASCII.test(lower)) return lower;
  return lower
    .normalize("NFKD")
    .replace(COMBINING_DIACRITICS, "")
    .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c)
    .normalize("NFC")
    .toLowerCase();
}

/** Folds free text the way tags are compared: lower case, no diacritics, inner whitespace collapsed. */
export function foldText(text: string): string {
  return foldWord(text.trim().replace(/\s+/g, " ").toLowerCase());
}

function cut(s: string): string {
  return s.length > MAX_TOKEN_CHARS ? s.slice(0, MAX_TOKEN_CHARS) : s;
}

/** Splits a run at the boundaries between no-space scripts and the rest (marks stay with their letter). */
function segments(run: string): Array<{ text: string; at: number; cjk: boolean }> {
  // Almost every run is one script: skip the per-character walk when no no-space character is in it.
  if (!NO_SPACE.test(run)) return [{ text: run, at: 0, cjk: false }];
  const out: Array<{ text: string; at: number; cjk: boolean }> = [];
  let start = 0;
  let cjk = NO_SPACE_START.test(run);
  let i = 0;
  for (const ch of run) {
    const isCjk = NO_SPACE.test(ch) || (MARK.test(ch) ? cjk : false);
    if (i > start && isCjk !== cjk) {
      out.push({ text: run.slice(start, i), at: start, cjk });
      start = i;
    }
    cjk = isCjk;
    i += ch.length;
  }
  if (i > start) out.push({ text: run.slice(start, i), at: start, cjk });
  return out;
}

/** The characters of a CJK segment, each with its marks (a kana with its dakuten stays one character). */
function characters(seg: string): Array<{ ch: string; at: number }> {
  const out: Array<{ ch: string; at: number }> = [];
  let i = 0;
  for (const c of seg) {
    const last = out[out.length - 1];
    if (last && MARK.test(c)) last.ch += c;
    else out.push({ ch: c, at: i });
    i += c.length;
  }
  return out;
}

/** Pushes the tokens of one run of letters, digits and marks found at `runAt` (see `tokenize`). */
function runTokens(run: string, runAt: number, out: Token[]): void {
  for (const seg of segments(run)) {
    const at = runAt + seg.at;
    if (!seg.cjk) {
      // A run that starts with a combining mark (after a separator) has no letter to attach it to.
      const lower = seg.text.toLowerCase();
      const term = cut(foldWord(lower));
      if (term !== "") out.push({ term, start: at, end: at + seg.text.length, cjk: false, word: lower });
      continue;
    }
    const chars = characters(seg.text).map((c) => ({ ch: foldWord(c.ch.toLowerCase()), at: at + c.at }));
    const endOf = (k: number) => (k + 1 < chars.length ? chars[k + 1]!.at : at + seg.text.length);
    if (chars.length === 1) {
      out.push({ term: chars[0]!.ch, start: chars[0]!.at, end: endOf(0), cjk: true, word: "" });
      continue;
    }
    for (let k = 0; k + 1 < chars.length; k++) {
      out.push({
        term: chars[k]!.ch + chars[k + 1]!.ch,
        start: chars[k]!.at,
        end: endOf(k + 1),
        cjk: true,
        word: "",
      });
    }
  }
}

/**
 * Tokens of `text` in order: folded words, and for no-space scripts overlapping bigrams (`日本語` →
 * `日本`, `本語`; a lone character stays itself). Only the first `limit` characters are read.
 */
export function tokenize(text: string, limit = MAX_INDEXED_CHARS): Token[] {
  const src = text.length > limit ? text.slice(0, limit) : text;
  const out: Token[] = [];
  for (const m of src.matchAll(WORD_RUN)) runTokens(m[0], m.index, out);
  return out;
}

/** A field's terms as the index stores them: what `tokenize` + `stemTerm` give, position for position. */
export interface FieldTerms {
  terms: string[];
  /** The stem of each term in the language (undefined for CJK tokens and where there is none). */
  stems: Array<string | undefined>;
  /** The CJK tokens among them, in order (for their lone characters). */
  cjk: Token[];
}

/**
 * The analysis of a field for indexing: the same terms and stems as `tokenize` then `stemTerm` on each
 * token, without a token object per word (an import of 10,000 highlights has ~490,000 words).
 */
export function analyseField(
  text: string,
  language: string | undefined,
  limit = MAX_INDEXED_CHARS,
): FieldTerms {
  const src = text.length > limit ? text.slice(0, limit) : text;
  const stemmer = stemmerFor(language);
  const out: FieldTerms = { terms: [], stems: [], cjk: [] };
  let tokens: Token[] | undefined;
  for (const m of src.matchAll(WORD_RUN)) {
    const run = m[0];
    if (NO_SPACE.test(run)) {
      // Runs with no-space script characters: the tokenizer's own path (bigrams, mixed scripts).
      tokens ??= [];
      tokens.length = 0;
      runTokens(run, m.index, tokens);
      for (const t of tokens) {
        out.terms.push(t.term);
        out.stems.push(t.cjk ? undefined : stemTerm(t.word, language));
        if (t.cjk) out.cjk.push(t);
      }
      continue;
    }
    const lower = run.toLowerCase();
    const term = cut(foldWord(lower));
    if (term === "") continue;
    out.terms.push(term);
    out.stems.push(stemmer ? stemTerm(lower, language) : undefined);
  }
  return out;
}

/** The lone characters of CJK tokens (indexed beside the bigrams, so a one-character query finds them). */
export function cjkCharacters(tokens: readonly Token[]): string[] {
  const out = new Set<string>();
  for (const t of tokens) if (t.cjk) for (const c of characters(t.term)) out.add(c.ch);
  return [...out];
}

/**
 * The folded stem of a word in a language (`dreaming`, en → `dream`), or undefined when the language has no
 * stemmer. Stems are not tagged with their language: a query stemmed in three languages then looks for one
 * to three distinct stems instead of one per language (FTS5 and ts_rank pay per query term), at the price of
 * the rare stem two languages share for different words.
 */
export function stemTerm(word: string, language: string | undefined): string | undefined {
  const s = stemmerFor(language);
  if (!s || word === "") return undefined;
  const stem = cut(foldWord(s.stem(word)));
  return stem === "" ? undefined : stem;
}
