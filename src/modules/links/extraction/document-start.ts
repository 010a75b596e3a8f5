/**
 * linkedom makes the first element of the input the document element. A browser does not: text or tags
 * before `<html>` (a PHP warning printed ahead of the page, a `<style>` block, a page that starts at
 * `<head>` with no `<html>`) still end up in one `<html>` with a `<head>` and a `<body>`. On such pages
 * linkedom builds an empty `<body>` and the whole article is lost (3 pages of the trafilatura set), so the
 * start of the document is put in the shape linkedom expects before it parses: the first `<html …>` tag
 * (one outside comments, scripts and styles) is moved to the front, keeping its attributes, or a bare
 * `<html>` is put there when the page has `<head>` or `<body>` but no `<html>` before them. A fragment with
 * none of the three is wrapped in a document. Nothing else in the page is changed.
 */

/** Doctype, XML declaration, comments and white space that may come before `<html>`. */
const PROLOGUE = /^(?:\s+|<!doctype[^>]*>|<\?xml[^>]*>|<!--[\s\S]*?-->)*/i;
/** What may hide a tag (comments, scripts, styles), or one of the tags that start a document. */
const DOCUMENT_TAG =
  /<!--[\s\S]*?(?:-->|$)|<script\b[\s\S]*?(?:<\/script\s*>|$)|<style\b[\s\S]*?(?:<\/style\s*>|$)|<(html|head|body)(?=[\s/>])[^>]*>/gi;

const BLANK = /^(?:\s+|<!--[\s\S]*?-->)*$/;

export function documentStart(html: string): string {
  const lead = PROLOGUE.exec(html)?.[0].length ?? 0;
  DOCUMENT_TAG.lastIndex = lead;
  let open: RegExpExecArray | undefined;
  let first: RegExpExecArray | undefined;
  for (let m = DOCUMENT_TAG.exec(html); m; m = DOCUMENT_TAG.exec(html)) {
    const tag = m[1]?.toLowerCase();
    if (!tag) continue;
    if (tag === "html") {
      open ??= m;
      continue;
    }
    first = m;
    break;
  }
  if (!open && !first) return `<!doctype html><html><head></head><body>${html}</body></html>`;
  if (!first) return html;
  // What stands between the prologue and <head>/<body>, apart from the <html> tag: moved into the head,
  // where it can hide no article (a browser would put a warning's text in the body; it is not the article).
  const junk = open
    ? html.slice(lead, open.index) + html.slice(open.index + open[0].length, first.index)
    : html.slice(lead, first.index);
  if (open && open.index === lead && BLANK.test(junk)) return html;
  const htmlTag = open ? open[0] : "<html>";
  const after = html.slice(first.index + first[0].length);
  const rest =
    first[1]?.toLowerCase() === "head" ? first[0] + junk + after : `<head>${junk}</head>${first[0]}${after}`;
  return html.slice(0, lead) + htmlTag + rest;
}
