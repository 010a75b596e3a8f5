import type { Token } from "markdown-it";
import { type MarkdownParser, markdownIt } from "./markdown-it-lazy.js";
import { parseWikilinkBody } from "./wikilinks.js";

/**
 * The words of a note without its Markdown syntax, for the search index and previews: emphasis and link
 * syntax go, link text, image alt text, code and wikilink labels stay; blocks are separated by newlines.
 */

let parser: MarkdownParser | undefined;

/** The parser, built on first use. */
function md(): MarkdownParser {
  parser ??= withWikilinkText(new (markdownIt())("default", { html: false, linkify: false }));
  return parser;
}

// Wikilinks keep their label (`[[Dune|the book]]` → "the book", `[[Dune]]` → "Dune").
function withWikilinkText(md: MarkdownParser): MarkdownParser {
  md.inline.ruler.before("link", "wikilink_text", (state, silent) => {
    const src = state.src;
    let pos = state.pos;
    if (src.charCodeAt(pos) === 0x21) pos++;
    if (src.charCodeAt(pos) !== 0x5b || src.charCodeAt(pos + 1) !== 0x5b) return false;
    const close = src.indexOf("]]", pos + 2);
    if (close === -1) return false;
    const body = parseWikilinkBody(src.slice(pos + 2, close));
    if (!body) return false;
    if (!silent) state.push("text", "", 0).content = body.alias ?? body.target;
    state.pos = close + 2;
    return true;
  });
  return md;
}

function inlineText(tokens: readonly Token[]): string {
  let out = "";
  for (const t of tokens) {
    if (t.type === "text" || t.type === "code_inline" || t.type === "html_inline") out += t.content;
    else if (t.type === "softbreak" || t.type === "hardbreak") out += "\n";
    else if (t.type === "image") out += inlineText(t.children ?? []);
  }
  return out;
}

/** Plain text of a Markdown document. */
export function markdownToText(markdown: string): string {
  const parts: string[] = [];
  for (const t of md().parse(markdown, {})) {
    if (t.type === "inline") parts.push(inlineText(t.children ?? []));
    else if (t.type === "fence" || t.type === "code_block" || t.type === "html_block")
      parts.push(t.content.replace(/\n$/, ""));
  }
  return parts
    .filter((p) => p.trim() !== "")
    .join("\n")
    .trim();
}
