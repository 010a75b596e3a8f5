/**
 * Text clean-up shared by the parser and title matching. Chat clients add invisible marks (bidi
 * controls around RTL words, zero-width spaces, BOMs) and decorations (emoji, "!"), none of which
 * carry meaning for a command.
 */

// Bidi embeddings/isolates/marks, zero-width space, BOM, soft hyphen, Arabic letter mark. ZWNJ/ZWJ stay:
// ZWNJ is spelling in Persian and ZWJ joins emoji.
const INVISIBLE = /[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
// A keycap emoji (1️⃣) is the digit, an optional VS16 and U+20E3.
const KEYCAP = /([0-9#*])\ufe0f?\u20e3/g;
const NON_ASCII_DIGIT = /[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef\u0e50-\u0e59\uff10-\uff19]/g;
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6, 0x0e50, 0xff10];

/** NFC, invisible marks removed, keycaps as digits, CRLF as LF, lines right-trimmed, whole text trimmed. */
export function cleanText(input: string): string {
  return input
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(KEYCAP, "$1")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trim();
}

/** `cleanText` with every whitespace run (newlines included) collapsed to one space. */
export function flatten(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/** Arabic-Indic, Persian, Devanagari, Bengali, Thai and full-width digits and signs as ASCII. */
export function foldDigits(s: string): string {
  return s
    .replace(NON_ASCII_DIGIT, (c) => {
      const cp = c.charCodeAt(0);
      const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9) ?? cp;
      return String(cp - zero);
    })
    .replace(/[\u066a\uff05]/g, "%")
    .replace(/\uff0b/g, "+")
    .replace(/\uff0f/g, "/");
}

// Sentence punctuation (Latin, CJK, Arabic, Urdu) and emoji pieces: meaningless at the end of a command.
const TRAILING =
  /^(?:[\s.!?,;:…¡¿。！？、،؛؟۔\p{Extended_Pictographic}\p{Emoji_Modifier}\u{1F1E6}-\u{1F1FF}]|\u200d|\ufe0f)$/u;
const LEADING = /^(?:[\s\p{Extended_Pictographic}\p{Emoji_Modifier}\u{1F1E6}-\u{1F1FF}]|\u200d|\ufe0f)+/u;

/**
 * Drops code points matching the one-character pattern `re` from the end. A loop, not `/(…)+$/`: that
 * regex backtracks quadratically on long runs that do not reach the end.
 */
export function trimEndWhere(s: string, re: RegExp): string {
  let end = s.length;
  while (end > 0) {
    const low = s.charCodeAt(end - 1);
    const width =
      end > 1 &&
      low >= 0xdc00 &&
      low <= 0xdfff &&
      s.charCodeAt(end - 2) >= 0xd800 &&
      s.charCodeAt(end - 2) <= 0xdbff
        ? 2
        : 1;
    if (!re.test(s.slice(end - width, end))) break;
    end -= width;
  }
  return s.slice(0, end);
}

/** Removes leading emoji and trailing punctuation/emoji: `🎉 Dune 142!! 📖` → `Dune 142`. */
export function stripDecorations(s: string): string {
  return trimEndWhere(s, TRAILING).replace(LEADING, "");
}

/** Whether the string has at least one letter or digit in any script. */
export function hasWordChars(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}

const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  "'": "'",
  "“": "”",
  "„": "“",
  "«": "»",
  "‘": "’",
  "「": "」",
  "『": "』",
};

/** Opening quote characters understood around quotes and titles. */
export const OPENING_QUOTES = Object.keys(QUOTE_PAIRS);

/** Removes one pair of matching quotes around the whole string, if present. */
export function unquote(s: string): string {
  const t = s.trim();
  const close = lookup(QUOTE_PAIRS, t[0] ?? "");
  if (close && t.length >= 2 && t.endsWith(close)) return t.slice(1, -1).trim();
  // Some keyboards close with the same curly mark they open with.
  if ((t[0] === "“" || t[0] === "”") && t.length >= 2 && /[“”]$/.test(t)) return t.slice(1, -1).trim();
  return t;
}

/**
 * A user-typed title cleaned for storage in a command: separators and quotes around it removed.
 * Undefined when nothing with a letter or digit remains (e.g. only emoji).
 */
export function cleanTitle(raw: string): string | undefined {
  const t = unquote(
    trimEndWhere(raw.replace(/^[\s:,;]+/u, ""), /^[\s:,;]$/u)
      .replace(/\s+[-–—]$/u, "")
      .trim(),
  );
  return hasWordChars(t) ? t : undefined;
}

/** Lower-case, accents and marks removed, digits folded, punctuation as spaces: for comparing titles. */
export function foldForMatch(s: string): string {
  return foldDigits(s.normalize("NFKD"))
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[æ]/g, "ae")
    .replace(/[œ]/g, "oe")
    .replace(/[ø]/g, "o")
    .replace(/[ł]/g, "l")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** `rec[key]` for own keys only, so user words like `constructor` never reach `Object.prototype`. */
export function lookup<T>(rec: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}
