/**
 * The article's text as the reader shows it: the `textContent` of its sanitised HTML, as a browser computes
 * it for the element holding the article. Highlights made in the reader carry quote and position selectors
 * in these terms (web/src/lib/quote.ts), so they are re-anchored against this text, not `content_text`
 * (which leaves captions out and puts one block on a line, for search and reading time).
 */
export async function readerText(html: string): Promise<string> {
  const { parseHTML } = await import("linkedom");
  const { document } = parseHTML(`<!doctype html><html><body><div id="article">${html}</div></body></html>`);
  return document.getElementById("article")?.textContent ?? "";
}
