/**
 * Obsidian-style wikilinks: `[[Title]]`, `[[Title|alias]]`, `[[Title#Heading]]`, `[[Title#^block]]`, and
 * embeds `![[Title]]`. Extraction reports where each link is in the source (for backlinks and for
 * rewriting a link when its target is renamed); resolving targets to objects is the notes module's job.
 */

export interface Wikilink {
  /** The page name as written (trimmed), without `#heading` / `#^block`. */
  target: string;
  alias?: string;
  heading?: string;
  blockId?: string;
  /** `![[…]]`: an embed. */
  embed: boolean;
  /** [start, end) of the whole link (including `!` and brackets) in the Markdown source, UTF-16 units. */
  start: number;
  end: number;
}

/** Longest link target kept; longer bracketed text is not a link. */
const MAX_TARGET = 500;

/** Parses the inside of `[[…]]`; undefined when it is not a link (empty, or brackets inside). */
export function parseWikilinkBody(inner: string): Omit<Wikilink, "embed" | "start" | "end"> | undefined {
  if (inner.length === 0 || inner.length > MAX_TARGET || /[[\]\n]/.test(inner)) return undefined;
  const bar = inner.indexOf("|");
  const ref = (bar === -1 ? inner : inner.slice(0, bar)).trim();
  const alias = bar === -1 ? undefined : inner.slice(bar + 1).trim();
  const hash = ref.indexOf("#");
  const target = (hash === -1 ? ref : ref.slice(0, hash)).trim();
  const frag = hash === -1 ? "" : ref.slice(hash + 1).trim();
  if (target === "" && frag === "") return undefined;
  const link: Omit<Wikilink, "embed" | "start" | "end"> = { target };
  if (alias) link.alias = alias;
  if (frag.startsWith("^")) link.blockId = frag.slice(1);
  else if (frag !== "") link.heading = frag;
  return link;
}

/** Ranges of code (fenced/indented blocks and inline code spans), where `[[` is not a link. */
function codeRanges(md: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  // Fenced blocks: ``` or ~~~ at a line start, up to the matching fence or the end.
  const fence = /^( {0,3})(`{3,}|~{3,})[^\n]*$/gm;
  let m: RegExpExecArray | null = fence.exec(md);
  while (m) {
    const marker = m[2]!;
    const close = new RegExp(`^ {0,3}${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`, "gm");
    close.lastIndex = m.index + m[0].length;
    const c = close.exec(md);
    const end = c ? c.index + c[0].length : md.length;
    ranges.push([m.index, end]);
    fence.lastIndex = end;
    m = fence.exec(md);
  }
  // Inline code spans: a run of n backticks up to the next run of exactly n.
  const tick = /`+/g;
  let t: RegExpExecArray | null = tick.exec(md);
  while (t) {
    const at = t.index;
    if (!ranges.some(([s, e]) => at >= s && at < e)) {
      const n = t[0].length;
      const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
      close.lastIndex = at + n;
      const c = close.exec(md);
      if (c) {
        ranges.push([at, c.index + n]);
        tick.lastIndex = c.index + n;
      }
    }
    t = tick.exec(md);
  }
  return ranges;
}

/** Every wikilink of a Markdown text, in order, outside code; `\[[` is not a link. */
export function extractWikilinks(md: string): Wikilink[] {
  const code = codeRanges(md);
  const inCode = (i: number) => code.some(([s, e]) => i >= s && i < e);
  const out: Wikilink[] = [];
  const re = /(!?)\[\[([^[\]\n]{1,500}?)\]\]/g;
  let m: RegExpExecArray | null = re.exec(md);
  while (m) {
    const start = m.index;
    const bracket = start + m[1]!.length;
    let backslashes = 0;
    for (let k = bracket - 1; k >= 0 && md[k] === "\\"; k--) backslashes++;
    const body = parseWikilinkBody(m[2]!);
    if (body && backslashes % 2 === 0 && !inCode(start)) {
      out.push({ ...body, embed: m[1] === "!", start, end: start + m[0].length });
    }
    m = re.exec(md);
  }
  return out;
}
