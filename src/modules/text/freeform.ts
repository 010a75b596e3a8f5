/**
 * The free-text commands: notes and quotes (`note dune: …`, `quote dune p12: "…"`), and the URLs of a
 * message (for the module that saves links). Their text is kept as typed, never interpreted.
 */
import { type Failure, fail, isFailure, MAX_PAGE, splitAmount } from "./amounts.js";
import { cleanTitle, flatten, foldDigits, hasWordChars, unquote } from "./normalize.js";
import { isOptStr, isPosInt, isStr } from "./text-command.js";

/** A note on a book (or none): its text as typed. */
export type NoteCommand = { kind: "note"; text: string; title?: string };
/** A quoted passage of a book, with its page when given. */
export type QuoteCommand = { kind: "quote"; text: string; title?: string; page?: number };

/** Longest title accepted inside a command. */
export const MAX_TITLE_CHARS = 200;

const NOTE = /^(note|quote|highlight)(?=$|[\s:"“„«「『])\s*([\s\S]*)$/iu;
const URL_RE = /(?<![\p{L}\p{N}])https?:\/\/[^\s<>"'`]+/giu;

/** A cleaned title (see `cleanTitle`), or a failure when it is too long. */
export function titleOf(raw: string): string | undefined | Failure {
  const title = cleanTitle(raw);
  if (title !== undefined && title.length > MAX_TITLE_CHARS) {
    return fail("out_of_range", `That title is too long (over ${MAX_TITLE_CHARS} characters).`);
  }
  return title;
}

/** `note dune: text`, `note: text`, `quote dune p12: "text"`, `quote dune "text"`. */
export function parseNoteOrQuote(text: string): NoteCommand | QuoteCommand | Failure | undefined {
  const m = NOTE.exec(text);
  if (!m) return undefined;
  const kind = m[1]!.toLowerCase() === "note" ? "note" : "quote";
  const body = m[2]!;
  const at = splitPoint(body, kind);
  if (at < 0) {
    return fail("missing_argument", `Write \`${kind} <title>: <text>\`, e.g. \`${kind} dune: …\`.`);
  }
  const content =
    kind === "quote" ? unquote(body.slice(at + (body[at] === ":" ? 1 : 0))) : body.slice(at + 1).trim();
  if (!hasWordChars(content))
    return fail("missing_argument", `The ${kind} is empty: add text after the colon.`);
  const head = foldDigits(flatten(body.slice(0, at)));
  if (kind === "note") {
    const title = titleOf(head);
    if (isFailure(title)) return title;
    return title === undefined ? { kind, text: content } : { kind, text: content, title };
  }
  const split = splitAmount(head);
  const withPage =
    split && (split.amount.kind === "page" || (split.amount.kind === "number" && split.title.trim() !== ""));
  const title = titleOf(withPage ? split.title : head);
  if (isFailure(title)) return title;
  const quote: QuoteCommand = { kind: "quote", text: content, ...(title === undefined ? {} : { title }) };
  if (!withPage) return quote;
  const page = split.amount.kind === "page" ? split.amount.page : (split.amount as { value: number }).value;
  if (page < 1 || page > MAX_PAGE) return fail("out_of_range", `Page ${page} is out of range.`);
  return { ...quote, page };
}

/**
 * Where a note/quote's head (title, page) ends: the first colon; for a quote, an opening quote mark
 * before it ends the head too (`quote dune "…"`), unless the head is itself a quoted title
 * (`quote "Dune" p12: "…"`).
 */
function splitPoint(body: string, kind: "note" | "quote"): number {
  const colon = body.indexOf(":");
  const open = kind === "quote" ? body.search(/["“„«「『]/u) : -1;
  if (open < 0 || (colon >= 0 && colon < open)) return colon;
  if (colon < 0 || body.slice(0, open).trim() !== "") return open;
  const close = body.slice(open + 1).search(/["”“»」』]/u);
  return close >= 0 && colon > open + 1 + close ? colon : open;
}

/** Trailing sentence punctuation is not part of a URL; a `)` is, when the URL opened one (Wikipedia). */
function trimUrl(u: string): string {
  let url = u;
  for (;;) {
    const last = url.at(-1) ?? "";
    const unbalanced = last === ")" && url.split("(").length <= url.split(")").length - 1;
    if (/[.,;:!?'"»”’\]}>*_~]/u.test(last) || unbalanced) url = url.slice(0, -1);
    else return url;
  }
}

/** An absolute http(s) URL with a host: the only links Readlog saves (text and restore alike). */
export function isHttpUrl(u: string): boolean {
  try {
    const parsed = new URL(u);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The http(s) URLs in a message, trailing punctuation trimmed, in order (repeats kept). */
export function findUrls(flat: string): string[] {
  return [...flat.matchAll(URL_RE)].map((m) => trimUrl(m[0]));
}

/** Structural checks of stored note and quote commands. */
export function isNoteCommand(v: unknown): boolean {
  const c = v as Record<string, unknown>;
  return c?.kind === "note" && isStr(c.text) && c.text.trim().length > 0 && isOptStr(c.title);
}
export function isQuoteCommand(v: unknown): boolean {
  const c = v as Record<string, unknown>;
  return (
    c?.kind === "quote" &&
    isStr(c.text) &&
    c.text.trim().length > 0 &&
    isOptStr(c.title) &&
    (c.page === undefined || isPosInt(c.page))
  );
}
