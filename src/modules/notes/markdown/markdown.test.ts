import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../../imports/imports.test-helpers.js";
import {
  bookMarkdown,
  type ExportBook,
  escapeMarkdownText,
  markdownExportZip,
  safeFileName,
} from "./markdown-export.js";
import { createMarkdownRenderer, isSafeUrl, renderMarkdown } from "./markdown-render.js";
import { markdownToText } from "./markdown-text.js";
import { extractWikilinks } from "./wikilinks.js";

const VECTORS = resolve(PROJECT_ROOT, "../shared/data/xss/dompurify-expect.mjs");
const hasVectors = existsSync(VECTORS);
if (!hasVectors) console.log(`[readlog] DOMPurify vector tests skipped: ${VECTORS} is absent`);

const ALLOWED_TAGS = new Set([
  "p",
  "a",
  "img",
  "em",
  "strong",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "br",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "s",
  "span",
]);

/** Every tag in rendered HTML is one Markdown makes, with no handler, style or script URL. */
function assertSafe(html: string, context: string): void {
  for (const m of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const tag = m[1]!.toLowerCase();
    expect(ALLOWED_TAGS.has(tag), `${context}: tag <${tag}> in ${html}`).toBe(true);
    for (const a of m[2]!.matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)'|[^\s>]+)/g)) {
      const name = a[1]!.toLowerCase();
      const value = (a[3] ?? a[4] ?? a[2]!).replace(/&#x?[0-9a-f]+;|&[a-z]+;/gi, "");
      expect(
        name.startsWith("on") || name === "style" || name === "srcdoc",
        `${context}: attribute ${name}`,
      ).toBe(false);
      if (name === "href" || name === "src") {
        expect(/^\s*(javascript|vbscript|data:text|file):/i.test(value), `${context}: ${name}=${value}`).toBe(
          false,
        );
      }
    }
  }
  expect(html).not.toMatch(/<script|<iframe|<object|<embed|<svg|<math|<style|<form/i);
}

describe("Markdown rendering is safe", () => {
  it.skipIf(!hasVectors)(
    "renders all 223 DOMPurify vectors, as Markdown and inside Markdown, with nothing active left",
    async () => {
      const vectors: Array<{ title: string; payload: string }> = (await import(pathToFileURL(VECTORS).href))
        .default;
      expect(vectors.length).toBeGreaterThanOrEqual(223);
      for (const v of vectors) {
        assertSafe(renderMarkdown(v.payload), v.title);
        assertSafe(
          renderMarkdown(`# Note\n\nSome *text* ${v.payload} and [link](${v.payload})\n\n> ${v.payload}`),
          v.title,
        );
      }
    },
  );

  it("the safety check itself catches handlers, script URLs and foreign tags", () => {
    expect(() => assertSafe('<a href="javascript:x">', "t")).toThrow();
    expect(() => assertSafe('<img src="x" onerror="y">', "t")).toThrow();
    expect(() => assertSafe("<svg>", "t")).toThrow();
    expect(() => assertSafe('<p><a href="https://x.test">ok</a></p>', "t")).not.toThrow();
  });

  it("refuses script URLs however they are spelled, in links, autolinks, references and images", () => {
    const tricks = [
      "[x](javascript:alert(1))",
      "[x](JaVaScRiPt:alert(1))",
      "[x](&#106;avascript:alert(1))",
      "[x](&#x6A;avascript&colon;alert(1))",
      "[x](java\tscript:alert(1))",
      "[x]( javascript:alert(1))",
      "[x](<javascript:alert(1)>)",
      "<javascript:alert(1)>",
      "[x][r]\n\n[r]: javascript:alert(1)",
      "![i](javascript:alert(1))",
      "![i](data:text/html;base64,PHNjcmlwdD4=)",
      "[x](vbscript:msgbox(1))",
      "[x](data:text/html,<script>alert(1)</script>)",
      "[x](file:///etc/passwd)",
      '<a href="javascript:alert(1)">raw</a>',
      "<img src=x onerror=alert(1)>",
      "[[Evil|x]]",
    ];
    for (const t of tricks) assertSafe(renderMarkdown(t), t);
    expect(renderMarkdown("<script>alert(1)</script>")).toContain("&lt;script&gt;");
    expect(renderMarkdown("[ok](https://example.org/a?b=1)")).toContain(
      'href="https://example.org/a?b=1" rel="noopener noreferrer nofollow"',
    );
    expect(renderMarkdown("![png](data:image/png;base64,iVBORw0KGgo=)")).toContain(
      'src="data:image/png;base64,iVBORw0KGgo="',
    );
    expect(isSafeUrl("/books/1")).toBe(true);
    expect(isSafeUrl("mailto:a@example.org")).toBe(true);
    expect(isSafeUrl("javascript:x")).toBe(false);
  });

  it("renders wikilinks to what the resolver says, and missing targets as such", () => {
    const render = createMarkdownRenderer({
      wikilinkHref: (t, heading) =>
        t === "Dune"
          ? `/books/dune${heading ? `#${encodeURIComponent(heading)}` : ""}`
          : t === "Bad"
            ? "javascript:alert(1)"
            : undefined,
    });
    const html = render("See [[Dune|the book]], [[Dune#Part One]], [[Missing <b>]] and [[Bad]].");
    expect(html).toContain('<a href="/books/dune" class="wikilink" data-wikilink="Dune">the book</a>');
    expect(html).toContain('<a href="/books/dune#Part%20One" class="wikilink" data-wikilink="Dune">Dune</a>');
    expect(html).toContain(
      '<span class="wikilink wikilink-missing" data-wikilink="Missing &lt;b&gt;">Missing &lt;b&gt;</span>',
    );
    expect(html).toContain('<span class="wikilink wikilink-missing" data-wikilink="Bad">Bad</span>');
    assertSafe(html, "wikilinks");
  });

  it("renders a 1 MB note", () => {
    const big = "A paragraph with *emphasis* and [[Links]].\n\n".repeat(25_000);
    const html = renderMarkdown(big);
    expect(html.length).toBeGreaterThan(big.length);
    expect(renderMarkdown("[".repeat(100_000))).toContain("[[[");
  });
});

describe("wikilink extraction", () => {
  it("finds every link with its position, alias, heading, block and embed, outside code", () => {
    const md = [
      "Read [[Dune]] and [[Children of Dune|the sequel]].",
      "Quote: ![[Dune#^hl-1]] · [[Dune#Part One]] · \\[[not a link]] · [[]] · [[a[b]]",
      "`[[in code]]` and ``[[also `code`]]``",
      "```",
      "[[in a fence]]",
      "```",
      "[[Last]]",
    ].join("\n");
    const links = extractWikilinks(md);
    expect(links.map(({ start, end, ...l }) => l)).toEqual([
      { target: "Dune", embed: false },
      { target: "Children of Dune", alias: "the sequel", embed: false },
      { target: "Dune", blockId: "hl-1", embed: true },
      { target: "Dune", heading: "Part One", embed: false },
      { target: "Last", embed: false },
    ]);
    for (const l of links) expect(md.slice(l.start, l.end)).toMatch(/^!?\[\[.*\]\]$/);
    expect(md.slice(links[1]!.start, links[1]!.end)).toBe("[[Children of Dune|the sequel]]");
  });
});

describe("plain text of Markdown", () => {
  it("keeps the words, drops the syntax", () => {
    const md =
      "# Title\n\nSome **bold** and _em_ text with [a link](https://x.test) and [[Dune|the book]].\n\n- item `code`\n\n![alt text](x.png)\n\n```js\nconst x = 1;\n```\n\n<b>raw</b>";
    expect(markdownToText(md)).toBe(
      "Title\nSome bold and em text with a link and the book.\nitem code\nalt text\nconst x = 1;\n<b>raw</b>",
    );
  });
});

const sampleBook = (over: Partial<ExportBook> = {}): ExportBook => ({
  id: "0190-abc",
  title: 'Dune: "Messiah" <2>',
  authors: ["Frank Herbert"],
  isbn13: "9780593098233",
  tags: ["sci fi", "favourite"],
  dates: { added: "2026-01-02", finished: "2026-02-03" },
  highlights: [
    {
      id: "H1",
      text: "Fear is the *mind-killer*.\n- not a list\n#not-a-heading ^fake",
      location: "p. 12 · loc. 100–102",
      tags: ["fear"],
      note: "See [[Dune]] ^x",
    },
    { id: "h1", text: "Same id in another case", createdAt: "2026-01-05T10:00:00Z" },
    { id: "日本", text: "東京" },
  ],
  notes: [{ id: "n1", title: "Thoughts", markdown: "Links to [[Children of Dune]] and **bold**." }],
  ...over,
});

describe("Markdown export", () => {
  it("writes a zip that reads back: valid front matter, unique block ids, wikilinks kept", async () => {
    const chunks: Uint8Array[] = [];
    const books = [
      sampleBook(),
      sampleBook({ id: "2", title: "dune: “messiah” <2>" }),
      sampleBook({ id: "3", title: "CON" }),
      sampleBook({ id: "4", title: "   ...   " }),
      sampleBook({ id: "5", title: `${"Very long title ".repeat(30)}end` }),
      sampleBook({ id: "6", title: 'a/b\\c:d*e?f"g<h>i|j#k^l[m]n\u0007' }),
    ];
    for await (const c of markdownExportZip(
      books,
      [{ id: "n9", markdown: "Standalone note about [[Dune]]" }],
      { now: new Date("2026-03-01T00:00:00Z") },
    )) {
      chunks.push(c);
    }
    const files = unzipSync(Buffer.concat(chunks));
    const names = Object.keys(files);
    expect(names).toHaveLength(7);
    expect(new Set(names.map((n) => n.toLowerCase().normalize("NFC"))).size).toBe(7);
    for (const name of names) {
      const base = name.split("/").pop()!;
      expect(base).not.toMatch(/[\p{Cc}<>:"\\|?*#^[\]]/u);
      expect(base).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(base).not.toMatch(/[. ]\.md$/);
      expect(Buffer.byteLength(base)).toBeLessThanOrEqual(190);
    }
    expect(names).toContain("Books/CON_.md");
    expect(names).toContain("Books/Untitled.md");
    expect(names).toContain("Notes/Standalone note about Dune.md");
    for (const name of names) {
      const text = new TextDecoder().decode(files[name]!);
      const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
      expect(fm, name).not.toBeNull();
      const data = parseYaml(fm![1]!);
      expect(typeof data.readlog_id).toBe("string");
      if (name.startsWith("Books/")) {
        expect(data).toMatchObject({
          authors: ["Frank Herbert"],
          isbn: "9780593098233",
          tags: ["sci-fi", "favourite"],
          finished: "2026-02-03",
        });
        const ids = [...text.matchAll(/^\^([A-Za-z0-9-]+)$/gm)].map((m) => m[1]);
        expect(ids).toHaveLength(3);
        expect(new Set(ids).size).toBe(3);
        expect(text).toContain("[[Dune]]");
        expect(text).toContain("[[Children of Dune]]");
      }
    }
    const first = new TextDecoder().decode(files[names.find((n) => n.includes("Messiah"))!]!);
    expect(parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(first)![1]!).title).toBe('Dune: "Messiah" <2>');
  });

  it("shows highlight text literally: Markdown in a quote is escaped, the note stays Markdown", () => {
    const md = bookMarkdown(sampleBook());
    expect(md).toContain(
      "> Fear is the \\*mind-killer\\*.\n> \\- not a list\n> \\#not-a-heading \\^fake\n\n^hl-h1\n",
    );
    expect(md).toContain("^hl-h1-2\n");
    expect(md).toContain("p. 12 · loc. 100–102 #fear");
    expect(md).toContain("\nSee [[Dune]] ^x\n");
    expect(renderMarkdown(escapeMarkdownText("<script>*x*</script> [[y]]"))).toBe(
      "<p>&lt;script&gt;*x*&lt;/script&gt; [[y]]</p>\n",
    );
  });

  it("makes safe names from anything", () => {
    expect(safeFileName("nul.txt")).toBe("nul.txt_");
    expect(safeFileName("..hidden")).toBe("hidden");
    expect(safeFileName("Cafe\u0301")).toBe("Caf\u00e9");
    expect(Buffer.byteLength(safeFileName("字".repeat(200)))).toBeLessThanOrEqual(180);
  });
});
