import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { sharedData } from "../../../../test/support/shared-data.js";
import { decodeHtml } from "./charset.js";
import { documentStart } from "./document-start.js";
import { extractArticle } from "./extract-article.js";

const bodyText = (html: string) =>
  (parseHTML(documentStart(html)).document.body?.textContent ?? "").replace(/\s+/g, " ").trim();

describe("documentStart (what starts the page, in the shape linkedom parses)", () => {
  it("leaves a page that starts with <html> as it is", () => {
    const page =
      '<!doctype html>\n<!-- built --><html lang="en"><head><title>t</title></head><body><p>x</p></body></html>';
    expect(documentStart(page)).toBe(page);
  });

  it("finds the body of pages linkedom reads as empty", () => {
    // Without the fix, linkedom makes the first element the document element: each body is empty.
    const pages = [
      "<br /><b>Warning</b>: mysql_connect() failed<br /><html><head><title>t</title></head><body><p>hello world</p></body></html>",
      "<!DOCTYPE html><head><title>t</title></head><body><p>hello world</p></body></html>",
      "<style>p{}</style><html><body><p>hello world</p></body></html>",
      '<!doctype html><!--[if IE]><html class="ie"><![endif]--><style>p{}</style><html class="x"><body><p>hello world</p></body></html>',
    ];
    for (const page of pages) {
      expect(parseHTML(page).document.body?.textContent ?? "").not.toContain("hello world");
      expect(bodyText(page)).toBe("hello world");
    }
    // The <html> tag keeps its attributes (lang, dir), not the one in the conditional comment.
    const { document } = parseHTML(documentStart(pages[3] as string));
    expect(document.documentElement.getAttribute("class")).toBe("x");
  });

  it("keeps the title of a page with no <html>, and wraps a fragment", () => {
    const { document } = parseHTML(
      documentStart("<head><title>The title</title></head><body><p>a</p></body>"),
    );
    expect(document.title).toBe("The title");
    expect(bodyText("<p>only a fragment</p>")).toBe("only a fragment");
    expect(bodyText("")).toBe("");
    // An <html> in a script is not the document's.
    expect(bodyText('<p>text</p><script>document.write("<html>")</script>')).toBe(
      'textdocument.write("<html>")',
    );
  });
});

const dir = sharedData("extraction/trafilatura");

describe.skipIf(!dir)("real pages that start with something other than <html>", () => {
  const evalData: Record<string, { file: string; with: string[] }> = dir
    ? JSON.parse(readFileSync(`${dir}/evaldata.json`, "utf8"))
    : {};
  const page = (file: string) => {
    const [url, e] = Object.entries(evalData).find(([, v]) => v.file === file) ?? [];
    if (!url || !e) throw new Error(`${file} is not in the set`);
    const html = decodeHtml(gunzipSync(readFileSync(`${dir}/html/${file}.gz`))).html;
    return { url, html, with: e.with };
  };

  it.each([
    "bibliothek2null.de.mai.html", // PHP warnings printed before <html>
    "jaegermagazin.de-südtirol.html", // <!DOCTYPE html><head> with no <html>
    "laweekly.com-Cultivation.html", // a <style> block before <html>
  ])("%s: the article is found", (file) => {
    const p = page(file);
    const a = extractArticle(p.html, { url: p.url });
    expect(a.method).toBe("readability");
    // Before, linkedom gave these pages an empty body and nothing was found (method "none").
    const text = a.text.replace(/\s+/g, " ");
    const found = p.with.filter((w) => text.includes(w.replace(/\s+/g, " ").trim()));
    expect(found.length, `snippets of the article found in ${file}`).toBeGreaterThanOrEqual(2);
  });

  it("leaves ruby annotations (furigana) out of the text, so the sentence reads as written", () => {
    const p = page("nhk.or.jp.k100.html");
    const a = extractArticle(p.html, { url: p.url });
    expect(a.text).toContain("子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、");
    // The reader keeps the annotations.
    expect(a.html).toContain("<rt>");
  });
});
