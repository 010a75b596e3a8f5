/** A W3C-style text quote + position selector for a selection inside `root` (offsets in its textContent). */
export interface QuoteSelector {
  quote: { exact: string; prefix: string; suffix: string };
  position: { start: number; end: number };
}

const CONTEXT = 32;

/** The selector of `range` within `root`, or null when the range is empty or not inside root. */
export function quoteOf(root: Node, range: Range): QuoteSelector | null {
  if (range.collapsed || !root.contains(range.commonAncestorContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(root);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const exact = range.toString();
  if (exact.trim() === "") return null;
  const end = start + exact.length;
  const text = root.textContent ?? "";
  return {
    quote: {
      exact,
      prefix: text.slice(Math.max(0, start - CONTEXT), start),
      suffix: text.slice(end, end + CONTEXT),
    },
    position: { start, end },
  };
}
