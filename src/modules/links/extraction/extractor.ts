import { WorkerCrashed, WorkerPool } from "../../../platform/workers/worker-pool.js";
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

/** Loads the extraction stack once per thread (the extraction worker starts it as soon as it starts). */
export function load(): Promise<Modules> {
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

/** An extracted page as the pipeline uses it: the article and the images its sanitised HTML shows. */
export interface ExtractedPage extends Article {
  /** Every distinct http(s) image address of `html`, resolved against the page (see article-images.ts). */
  images: string[];
}

export interface RewriteOptions {
  baseUrl?: string;
  dropUnmapped?: boolean;
}

/**
 * Extraction as the pipeline runs it: in worker threads (`pooledExtractor`, the server) or on the calling
 * thread (`inProcessExtractor`: the CLI, tests). Both do the same work with the same code.
 */
export interface ArticleExtractor {
  extract(input: ExtractInput): Promise<ExtractedPage>;
  /** `rewriteImages` of article-images.ts (image addresses → archived ones). */
  rewriteImages(
    html: string,
    mapping: ReadonlyMap<string, string>,
    options?: RewriteOptions,
  ): Promise<string>;
  /**
   * Work is on its way (a page is being fetched): get ready for it. The pool starts a worker now, which loads
   * the extraction stack while the page downloads, instead of on the page's arrival; in process, nothing.
   */
  warm(): void;
  close(): Promise<void>;
}

/** The work one extraction task does, wherever it runs. */
export async function extractPage(input: ExtractInput): Promise<ExtractedPage> {
  const article = await extract(input);
  const { listImages } = await import("./article-images.js");
  return { ...article, images: article.html ? listImages(article.html, input.url) : [] };
}

export function inProcessExtractor(): ArticleExtractor {
  return {
    extract: extractPage,
    async rewriteImages(html, mapping, options) {
      const { rewriteImages } = await import("./article-images.js");
      return rewriteImages(html, mapping, options);
    },
    warm: () => {},
    close: async () => {},
  };
}

export type ExtractTask =
  | { kind: "extract"; input: ExtractInput }
  | { kind: "rewrite"; html: string; mapping: [string, string][]; options: RewriteOptions };

export interface PooledExtractorOptions {
  /** Worker threads (default: the machine's cores, at most 2). */
  workers?: number;
  /** Each worker's V8 old-generation cap, MB: a page that needs more fails as too large, nothing else does. */
  heapMb?: number;
  idleMs?: number;
}

/** Thrown for a page whose extraction needed more memory than a worker may have. */
export class PageTooLarge extends Error {
  override name = "PageTooLarge";
}

/**
 * Extraction in a pool of worker threads: the event loop stays free while pages are parsed, and both
 * cores work. Each worker loads the extraction stack as it starts (on the first task, or on `warm`) and
 * stops when idle, so the idle server carries none of it; each has its own heap cap, so a huge page fails
 * alone.
 */
export function pooledExtractor(options: PooledExtractorOptions = {}): ArticleExtractor {
  const file = new URL(
    import.meta.url.endsWith(".ts") ? "./extract-worker.ts" : "./extract-worker.js",
    import.meta.url,
  );
  const pool = new WorkerPool<ExtractTask, ExtractedPage | string>({
    file,
    name: "links-extract",
    size: options.workers,
    idleMs: options.idleMs,
    resourceLimits: {
      maxOldGenerationSizeMb: options.heapMb ?? 160,
      // Small young generation: DOM garbage is short-lived, and large semi-spaces only raise RSS.
      maxYoungGenerationSizeMb: 16,
    },
  });
  const run = async <T>(task: ExtractTask): Promise<T> => {
    try {
      return (await pool.run(task)) as T;
    } catch (err) {
      if (err instanceof WorkerCrashed && err.code === "ERR_WORKER_OUT_OF_MEMORY")
        throw new PageTooLarge("the page is too large to extract (it needs more memory than allowed)");
      throw err;
    }
  };
  return {
    extract: (input) => run<ExtractedPage>({ kind: "extract", input }),
    rewriteImages: (html, mapping, opts = {}) =>
      run<string>({ kind: "rewrite", html, mapping: [...mapping], options: opts }),
    warm: () => pool.warm(),
    close: () => pool.close(),
  };
}
