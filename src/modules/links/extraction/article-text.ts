// Plain text of an extracted article: one line per block (paragraph, heading, list item, table row),
// inline whitespace collapsed. Figure captions and photo credits stay in the article's HTML but are
// left out of its text: the text is what is read, searched and timed, and a credit line is none of
// these (ADR 0201 measures the effect).

/** The DOM surface the walker needs; linkedom and jsdom nodes both provide it. */
export interface TextNodeLike {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly childNodes: ArrayLike<TextNodeLike>;
  getAttribute?(name: string): string | null;
}

const BLOCKS = new Set([
  "ADDRESS",
  "ARTICLE",
  "ASIDE",
  "BLOCKQUOTE",
  "DD",
  "DETAILS",
  "DIV",
  "DL",
  "DT",
  "FIELDSET",
  "FIGURE",
  "FOOTER",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "HEADER",
  "HR",
  "LI",
  "MAIN",
  "NAV",
  "OL",
  "P",
  "PRE",
  "SECTION",
  "SUMMARY",
  "TABLE",
  "TBODY",
  "THEAD",
  "TFOOT",
  "TR",
  "UL",
  "CAPTION",
]);
const CELLS = new Set(["TD", "TH"]);
// RT and RP: ruby annotations (furigana), read above the line, not part of the sentence.
const SKIPPED = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "MATH", "RT", "RP"]);
const CAPTION_CLASS =
  /(?:^|[\s_-])(?:wp-caption-text|caption|figcaption|legend|credits?|image-?credit|photo-?credit|copyright-?note)(?:$|[\s_-])/i;

const PRE_NEWLINE = "\uE000";
const PRE_SPACE = "\uE001";

/** True for an element that holds a figure caption or photo credit. */
export function isCaption(node: TextNodeLike): boolean {
  if (node.nodeName === "FIGCAPTION") return true;
  const cls = node.getAttribute?.("class");
  return cls ? CAPTION_CLASS.test(cls) : false;
}

/** The text of `root`, blocks separated by newlines; captions left out unless `captions` is set. */
export function articleText(root: TextNodeLike, options: { captions?: boolean } = {}): string {
  const parts: string[] = [];
  const walk = (node: TextNodeLike, pre: boolean): void => {
    if (node.nodeType === 3) {
      const value = node.nodeValue ?? "";
      // Inside <pre>, line breaks and spaces survive the line clean-up below as placeholders.
      parts.push(
        pre ? value.replace(/\n/g, PRE_NEWLINE).replace(/ /g, PRE_SPACE) : value.replace(/\s+/g, " "),
      );
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (SKIPPED.has(name)) return;
    if (!options.captions && isCaption(node)) return;
    if (name === "BR") {
      parts.push("\n");
      return;
    }
    const block = BLOCKS.has(name);
    if (block) parts.push("\n");
    const kids = node.childNodes;
    for (let i = 0; i < kids.length; i++) walk(kids[i] as TextNodeLike, pre || name === "PRE");
    if (block) parts.push("\n");
    else if (CELLS.has(name)) parts.push("\t");
  };
  walk(root, false);
  return parts
    .join("")
    .split("\n")
    .map((line) =>
      line
        .replace(/[ \u00a0]+/g, " ")
        .replace(/ *\t[ \t]*/g, "\t")
        .trim(),
    )
    .filter((line) => line !== "")
    .join("\n")
    .replaceAll(PRE_NEWLINE, "\n")
    .replaceAll(PRE_SPACE, " ");
}

/** Words in `text`: runs of letters/digits; each CJK character counts as a word (no spaces there). */
export function countWords(text: string): number {
  const cjk =
    text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0;
  const words = text
    .replace(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu, " ")
    .match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu);
  return (words?.length ?? 0) + cjk;
}

/** Minutes to read `words` at 230 words a minute (an adult's average for prose), at least 1. */
export function readingMinutes(words: number): number {
  return Math.max(1, Math.round(words / 230));
}
