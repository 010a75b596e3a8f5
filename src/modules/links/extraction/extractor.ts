import type { ExtractedArticle } from "./extract-article.js";

// The one entry point the pipeline and `readlog extract` use. It imports nothing heavy at load:
// linkedom, Readability, jsdom and DOMPurify are loaded on the first extraction, so a server that
// never extracts (or has not yet) does not carry them (idle RSS budget: 100 MB).

export interface ExtractInput {
  /** The page as fetched (bytes, decoded here by BOM / header / meta / fallback) … */
  bytes?: Uint8Array;
  /** … or already as text (a client that sent the page's HTML). */
  html?: string;
  /** The page's address: resolves relative links and images, and anchors the canonical URL. */
  url?: string;
  /** The response's Content-Type, for its charset. */
  contentType?: string;
}

export interface Article extends Omit<ExtractedArticle, "html"> {
  /** Sanitised article HTML (DOMPurify on jsdom), safe to store and to serve in the reader view. */
  html: string;
  /** The encoding the page was read with, and how it was chosen (when bytes were given). */
  charset?: string;
  charsetSource?: string;
  /** The address to dedupe by (see canonical-url.ts); undefined without `url`. */
  canonical?: string;
}

type Modules = {
  extract: typeof import("./extract-article.js");
  charset: typeof import("./charset.js");
  canonical: typeof import("./canonical-url.js");
  sanitizer: import("./sanitize-html.js").Sanitizer;
};
let modules: Promise<Modules> | undefined;

function load(): Promise<Modules> {
  modules ??= (async () => {
    const [extract, charset, canonical, sanitize] = await Promise.all([
      import("./extract-article.js"),
      import("./charset.js"),
      import("./canonical-url.js"),
      import("./sanitize-html.js"),
    ]);
    return { extract, charset, canonical, sanitizer: await sanitize.loadSanitizer() };
  })();
  return modules;
}

/** Extracts and sanitises one page. Never throws for bad HTML: a page with no article gives `method: "none"`. */
export async function extract(input: ExtractInput): Promise<Article> {
  const m = await load();
  let html = input.html ?? "";
  let charset: string | undefined;
  let charsetSource: string | undefined;
  if (input.bytes) {
    const decoded = m.charset.decodeHtml(input.bytes, input.contentType);
    html = decoded.html;
    charset = decoded.charset;
    charsetSource = decoded.source;
  }
  const article = m.extract.extractArticle(html, { url: input.url });
  let canonical: string | undefined;
  if (input.url) {
    try {
      canonical = m.canonical.canonicalUrl(input.url, { canonical: article.canonicalUrl });
    } catch {
      canonical = undefined;
    }
  }
  return {
    ...article,
    html: article.html ? m.sanitizer.sanitize(article.html) : "",
    charset,
    charsetSource,
    canonical,
  };
}
