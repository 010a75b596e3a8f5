import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { articleText, countWords, readingMinutes } from "./article-text.js";
import { pruneBoilerplate, pruneLinkBoxes, pruneMetaLines, trimTail } from "./boilerplate.js";
import { documentStart } from "./document-start.js";
import { fallbackContent } from "./fallback.js";
import { type PageMetadata, readMetadata } from "./metadata.js";

/** What the extractor found in one page. `html` is not yet sanitised: pass it through the sanitiser. */
export interface ExtractedArticle extends PageMetadata {
  /** The article's HTML (unsanitised), or "" when the page has no readable article. */
  html: string;
  /** The article's text, one block a line; captions and credits are left out. */
  text: string;
  wordCount: number;
  readingMinutes: number;
  /** How the content was found: Readability's pick, the block fallback, or nothing. */
  method: "readability" | "fallback" | "none";
}

export interface ExtractOptions {
  /** The page's address, for resolving relative links and images and for same-site checks. */
  url?: string;
  /** Plain Readability (no pruning, no fallback): the benchmark's baseline. */
  plain?: boolean;
}

/** Readability's result when it is asked to hand back the element instead of a string. */
type ReadabilityResult = ReturnType<Readability<ParentNodeLike>["parse"]>;
type LinkedomDocument = ReturnType<typeof parseHTML>["document"];
type ParentNodeLike = LinkedomDocument["body"];

const MIN_TEXT = 250;
/** Under this many characters, Readability's pick may be one part of a longer article (see isPartOf). */
const PARTIAL_TEXT = 1500;

/**
 * Readability scores containers and keeps the best one with its good siblings; on pages that split the
 * article across containers (recipe steps, a lead box and a body, a section per heading) it may keep one
 * part. The block fallback reads the whole page: when its text contains the start of Readability's text (so it
 * found the same article) and is over three times as long, Readability found a part, and the fallback is kept.
 */
function isPartOf(part: string, whole: string): boolean {
  if (whole.length <= 3 * part.length) return false;
  return squashLines(whole).includes(squashLines(part).slice(0, 200));
}

/** Parses `html` with linkedom; a `<base>` is added for `url` so relative links resolve against it. */
function parse(html: string, url: string | undefined): LinkedomDocument {
  // linkedom builds no <html> element for a fragment (or for ""), and an empty body when anything but
  // <html> starts the page: give it a document to work on.
  const { document } = parseHTML(documentStart(html));
  if (url && !document.querySelector("base[href]")) {
    const base = document.createElement("base");
    base.setAttribute("href", url);
    document.head?.prepend(base);
  }
  return document;
}

function runReadability(document: LinkedomDocument, plain: boolean): ReadabilityResult {
  // linkedom implements the DOM surface Readability walks; its types are its own, not lib.dom's.
  const dom = document as unknown as ConstructorParameters<typeof Readability>[0];
  const reader = new Readability<ParentNodeLike>(dom, {
    keepClasses: !plain,
    serializer: (node) => node as unknown as ParentNodeLike,
  });
  if (!plain) {
    // Prune after Readability has read the metadata (its title and byline heuristics look at the
    // page's headings and author elements) and before it picks the article's container. Pinned
    // to @mozilla/readability 0.6.0's parse(): metadata, then _grabArticle() (retried on a copy).
    const grab: unknown = Reflect.get(reader, "_grabArticle");
    if (typeof grab !== "function")
      throw new Error("@mozilla/readability has no _grabArticle: check the pinned version");
    let first = true;
    Reflect.set(reader, "_grabArticle", function (this: unknown, page?: unknown) {
      if (first) {
        first = false;
        pruneBoilerplate(document.body, "page");
      }
      return Reflect.apply(grab, this, [page]);
    });
  }
  return reader.parse();
}

/** Class and id attributes were kept for pruning; the stored article needs neither. */
function stripClasses(root: ParentNodeLike): void {
  for (const el of [...root.querySelectorAll("[class], [id]")]) {
    el.removeAttribute("class");
    el.removeAttribute("id");
  }
}

/**
 * Extracts the article from one HTML page: Readability on linkedom picks the content, then blocks
 * that name themselves as boilerplate, short link boxes and a short closing tail are pruned; when
 * what is left is shorter than 250 characters, a block-scoring fallback over the whole page is tried
 * and kept if it found more. Metadata comes from JSON-LD, OpenGraph, Twitter and meta tags.
 */
export function extractArticle(html: string, options: ExtractOptions = {}): ExtractedArticle {
  const document = parse(html, options.url);
  const meta = readMetadata(document, options.url);
  // Readability changes the document it reads; the fallback needs the page as it was.
  const pristine = options.plain ? undefined : html;
  // The page's visible text before Readability changes the document, to recognise the lead below.
  const pageText = options.plain ? "" : squashLines(document.body?.textContent ?? "");
  let result: ReadabilityResult = null;
  try {
    result = runReadability(document, options.plain === true);
  } catch {
    result = null;
  }
  const metaFromReadability: Partial<PageMetadata> = result
    ? {
        title: result.title || meta.title,
        byline: result.byline || undefined,
        excerpt: result.excerpt || meta.excerpt,
        siteName: result.siteName || meta.siteName,
        publishedTime: result.publishedTime || meta.publishedTime,
        lang: result.lang || meta.lang,
        dir: result.dir || meta.dir,
      }
    : {};
  const merged: PageMetadata = { ...meta, ...stripEmpty(metaFromReadability) };

  let content = result?.content ?? null;
  let method: ExtractedArticle["method"] = content ? "readability" : "none";
  if (content && !options.plain) {
    pruneBoilerplate(content);
    pruneLinkBoxes(content);
    pruneMetaLines(content);
    trimTail(content);
    restoreLead(content, meta.excerpt, pageText);
  }
  let text = content ? (options.plain ? squashLines(content.textContent ?? "") : articleText(content)) : "";
  // The fallback's text is part of the page's visible text: when the page has not three times
  // Readability's text, the fallback cannot replace it (isPartOf), and the page is not parsed again.
  const fallbackMayWin = text.length < MIN_TEXT || pageText.length > 3 * text.length;
  if (pristine !== undefined && text.length < PARTIAL_TEXT && fallbackMayWin) {
    const fallback = fallbackContent(parse(pristine, options.url));
    if (fallback) {
      pruneLinkBoxes(fallback);
      pruneMetaLines(fallback);
      trimTail(fallback);
      const fallbackText = articleText(fallback);
      if (text.length < MIN_TEXT ? fallbackText.length > text.length : isPartOf(text, fallbackText)) {
        content = fallback;
        text = fallbackText;
        method = "fallback";
      }
    }
  }
  if (content && !options.plain) stripClasses(content);
  const words = countWords(text);
  return {
    ...merged,
    html: content ? content.innerHTML : "",
    text,
    wordCount: words,
    readingMinutes: text ? readingMinutes(words) : 0,
    method,
  };
}

/**
 * News pages often set their lead paragraph (the standfirst) apart from the body, and Readability,
 * choosing the body's container, drops it. The page's description meta tag usually repeats that
 * lead: when the description appears verbatim in the page's own visible text (so it is the page's
 * lead, not SEO copy) and not in the extracted article, it is put back as the article's first
 * paragraph.
 */
function restoreLead(content: ParentNodeLike, description: string | undefined, pageText: string): void {
  const lead = description?.replace(/\s*(?:\.\.\.|…|\[…\])\s*$/, "").trim();
  if (!lead || lead.length < 40) return;
  const have = squashLines(content.textContent ?? "");
  if (have.includes(lead) || !pageText.includes(lead)) return;
  const p = content.ownerDocument.createElement("p");
  p.textContent = lead;
  content.prepend(p);
}

function squashLines(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function stripEmpty<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== null && v !== undefined && v !== "") Object.assign(out, { [k]: v });
  return out;
}
