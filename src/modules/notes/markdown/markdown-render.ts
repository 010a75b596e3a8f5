import type { StateInline } from "markdown-it";
import { type MarkdownParser, markdownIt } from "./markdown-it-lazy.js";
import { parseWikilinkBody } from "./wikilinks.js";

/**
 * Notes' Markdown rendered to HTML that is safe to insert into a page: raw HTML in the source is shown as
 * text (markdown-it `html: false` escapes it), link and image URLs are limited to an allow-list of schemes,
 * and wikilinks become links only to what the caller resolves them to.
 */

export interface RenderOptions {
  /**
   * Where a wikilink points (a path in the web app), or undefined for a missing target (rendered as such,
   * not dropped). Without a resolver every wikilink is rendered as missing.
   */
  wikilinkHref?: (target: string, heading?: string, blockId?: string) => string | undefined;
}

const LINK_SCHEMES = new Set(["http", "https", "mailto"]);
const DATA_IMAGE = /^data:image\/(?:gif|png|jpeg|webp);/i;

/** A URL may be followed: http(s), mailto, or relative (no scheme); images may also be inline raster data. */
export function isSafeUrl(url: string, image = false): boolean {
  const s = url.trim();
  // Control characters and whitespace inside a scheme are how `java\tscript:` tricks work: refuse them.
  if (/\p{Cc}/u.test(s)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(s);
  if (!scheme) return !s.startsWith("\\\\");
  const name = scheme[1]!.toLowerCase();
  if (LINK_SCHEMES.has(name)) return true;
  return image && DATA_IMAGE.test(s);
}

function wikilinkRule(options: RenderOptions) {
  return (state: StateInline, silent: boolean): boolean => {
    const src = state.src;
    let pos = state.pos;
    const embed = src.charCodeAt(pos) === 0x21; /* ! */
    if (embed) pos++;
    if (src.charCodeAt(pos) !== 0x5b || src.charCodeAt(pos + 1) !== 0x5b) return false;
    const close = src.indexOf("]]", pos + 2);
    if (close === -1) return false;
    const body = parseWikilinkBody(src.slice(pos + 2, close));
    if (!body) return false;
    if (!silent) {
      const href = options.wikilinkHref?.(body.target, body.heading, body.blockId);
      const label = body.alias ?? (body.target || `#${body.heading ?? `^${body.blockId}`}`);
      if (href !== undefined && isSafeUrl(href)) {
        const open = state.push("link_open", "a", 1);
        open.attrs = [
          ["href", href],
          ["class", embed ? "wikilink wikilink-embed" : "wikilink"],
          ["data-wikilink", body.target],
        ];
        state.push("text", "", 0).content = label;
        state.push("link_close", "a", -1);
      } else {
        const open = state.push("wikilink_missing_open", "span", 1);
        open.attrs = [
          ["class", "wikilink wikilink-missing"],
          ["data-wikilink", body.target],
        ];
        state.push("text", "", 0).content = label;
        state.push("wikilink_missing_close", "span", -1);
      }
    }
    state.pos = close + 2;
    return true;
  };
}

/**
 * A configured renderer; build once and reuse (markdown-it compiles its rules at construction, which happens
 * on the first render, so building one at start-up loads nothing).
 */
export function createMarkdownRenderer(options: RenderOptions = {}): (markdown: string) => string {
  let md: MarkdownParser | undefined;
  return (markdown: string) => {
    md ??= configured(options);
    return md.render(markdown);
  };
}

function configured(options: RenderOptions): MarkdownParser {
  const md = new (markdownIt())("default", { html: false, linkify: true, breaks: true, typographer: false });
  md.validateLink = (url) => isSafeUrl(url, /^data:/i.test(url.trim()));
  md.inline.ruler.before("link", "wikilink", wikilinkRule(options));
  const defaultLinkOpen = md.renderer.rules.link_open;
  md.renderer.rules.link_open = (tokens, idx, opts, env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet("href") ?? "");
    if (!isSafeUrl(href)) token.attrSet("href", "#");
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) token.attrSet("rel", "noopener noreferrer nofollow");
    return defaultLinkOpen
      ? defaultLinkOpen(tokens, idx, opts, env, self)
      : self.renderToken(tokens, idx, opts);
  };
  const defaultImage = md.renderer.rules.image;
  md.renderer.rules.image = (tokens, idx, opts, env, self) => {
    const token = tokens[idx]!;
    if (!isSafeUrl(String(token.attrGet("src") ?? ""), true)) token.attrSet("src", "");
    token.attrSet("loading", "lazy");
    token.attrSet("referrerpolicy", "no-referrer");
    return defaultImage ? defaultImage(tokens, idx, opts, env, self) : self.renderToken(tokens, idx, opts);
  };
  return md;
}

const plain = createMarkdownRenderer();

/** Renders Markdown to safe HTML, every wikilink shown as unresolved. */
export function renderMarkdown(markdown: string): string {
  return plain(markdown);
}
