import type { parseHTML } from "linkedom";
import { pruneBoilerplate } from "./boilerplate.js";

type LinkedomDocument = ReturnType<typeof parseHTML>["document"];
type Element = LinkedomDocument["body"];

const TEXT_BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, pre, blockquote, dd, dt, td, th, div, article, section";
const LEAF_CONTAINERS = new Set(["DIV", "ARTICLE", "SECTION", "TD", "TH", "LI", "DD"]);

/** Text a <noscript> must hold to count as the article's (a pixel or a notice holds far less). */
const MIN_NOSCRIPT_TEXT = 200;

const squash = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

function linkText(el: Element): number {
  let n = 0;
  for (const a of el.querySelectorAll("a")) n += squash(a.textContent).length;
  return n;
}

/**
 * The block fallback, for pages where Readability finds too little (short posts, recipe cards,
 * pages built of tables or of many small containers). It prunes the page's boilerplate, then keeps
 * every text block (paragraph, heading, list item, cell, or a container holding only inline text)
 * whose text is not mostly links, in document order. Undefined when nothing is left.
 */
export function fallbackContent(document: LinkedomDocument): Element | undefined {
  const body = document.body;
  if (!body) return undefined;
  // A page built by script may carry its article only in <noscript> (Blogger's posts): a <noscript>
  // holding paragraphs is read as part of the page, the others (tracking pixels, "enable JavaScript") go.
  for (const el of [...body.querySelectorAll("noscript")]) {
    if (el.querySelector("p") && squash(el.textContent).length >= MIN_NOSCRIPT_TEXT)
      el.replaceWith(...el.childNodes);
    else el.remove();
  }
  for (const el of [...body.querySelectorAll("script, style, header, [hidden], [aria-hidden=true]")])
    el.remove();
  pruneBoilerplate(body);
  const out = document.createElement("div");
  const taken = new Set<Element>();
  for (const el of [...body.querySelectorAll(TEXT_BLOCKS)]) {
    // Only the innermost block: a container counts when no block sits inside it.
    if (
      LEAF_CONTAINERS.has(el.tagName) &&
      el.querySelector("p, div, li, table, h1, h2, h3, h4, h5, h6, pre, blockquote, ul, ol, section, article")
    )
      continue;
    let parent = el.parentElement;
    let inside = false;
    while (parent && parent !== body) {
      if (taken.has(parent)) {
        inside = true;
        break;
      }
      parent = parent.parentElement;
    }
    if (inside) continue;
    const len = squash(el.textContent).length;
    if (len < 2) continue;
    const isHeading = /^H[1-6]$/.test(el.tagName);
    if (!isHeading && len < 15) continue;
    if (linkText(el) / len > 0.5) continue;
    taken.add(el);
    if (el.tagName === "TD" || el.tagName === "TH") {
      // A layout table's cell is a paragraph of the post, not a cell of a data table.
      const p = document.createElement("p");
      for (const child of [...el.childNodes]) p.appendChild(child.cloneNode(true));
      out.appendChild(p);
    } else out.appendChild(el.cloneNode(true));
  }
  return out.childNodes.length > 0 ? out : undefined;
}
