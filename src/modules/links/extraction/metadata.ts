// Page metadata from JSON-LD, OpenGraph, Twitter cards and plain meta tags, in that order of trust
// for each field (JSON-LD is written for machines; OpenGraph for link previews; <meta name> is old
// and often stale). Readability reads most of these too; this module adds the lead image, the
// canonical address and the modified time, and fills what Readability leaves empty.

export interface PageMetadata {
  title?: string;
  byline?: string;
  siteName?: string;
  /** As the page states it (usually ISO 8601); not reinterpreted. */
  publishedTime?: string;
  modifiedTime?: string;
  /** BCP 47 language tag, e.g. "de" or "en-GB". */
  lang?: string;
  /** Text direction: "ltr", "rtl" or "auto". */
  dir?: string;
  excerpt?: string;
  /** Absolute URL of the lead image. */
  leadImage?: string;
  /** The page's own claim of its address (rel=canonical, else og:url), absolute. */
  canonicalUrl?: string;
}

interface QueryRoot {
  querySelector(
    selector: string,
  ): { getAttribute(name: string): string | null; textContent: string | null } | null;
  querySelectorAll(
    selector: string,
  ): Iterable<{ getAttribute(name: string): string | null; textContent: string | null }>;
  readonly documentElement: { getAttribute(name: string): string | null } | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ARTICLE_TYPES =
  /^(?:Article|NewsArticle|BlogPosting|Report|ReportageNewsArticle|OpinionNewsArticle|AnalysisNewsArticle|ReviewNewsArticle|ScholarlyArticle|TechArticle|SocialMediaPosting|LiveBlogPosting|WebPage|Recipe|HowTo)$/;

const clean = (s: string | null | undefined): string | undefined => {
  const t = s?.replace(/\s+/g, " ").trim();
  return t ? t.slice(0, 2000) : undefined;
};

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typesOf(o: JsonObject): string[] {
  const t = o["@type"];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === "string");
}

/** The first JSON-LD object of an article-like type (looking inside @graph and arrays). */
function articleJsonLd(root: QueryRoot): JsonObject | undefined {
  for (const script of root.querySelectorAll('script[type="application/ld+json"]')) {
    let data: Json;
    try {
      data = JSON.parse((script.textContent ?? "").replace(/^\s*<!\[CDATA\[|\]\]>\s*$/g, ""));
    } catch {
      continue;
    }
    const queue: Json[] = [data];
    let fallback: JsonObject | undefined;
    while (queue.length > 0) {
      const item = queue.shift();
      if (Array.isArray(item)) queue.push(...item);
      else if (isObject(item)) {
        const graph = item["@graph"];
        if (graph !== undefined) queue.push(graph);
        const types = typesOf(item);
        if (types.some((t) => ARTICLE_TYPES.test(t) && t !== "WebPage")) return item;
        if (types.includes("WebPage")) fallback ??= item;
      }
    }
    if (fallback) return fallback;
  }
  return undefined;
}

function names(v: Json | undefined): string | undefined {
  if (typeof v === "string") return clean(v);
  if (Array.isArray(v)) {
    const all = v.map(names).filter((x): x is string => x !== undefined);
    return all.length ? all.join(", ") : undefined;
  }
  if (isObject(v)) return names(v.name);
  return undefined;
}

function imageUrl(v: Json | undefined): string | undefined {
  if (typeof v === "string") return clean(v);
  if (Array.isArray(v)) return imageUrl(v[0]);
  if (isObject(v)) return imageUrl(v.url ?? v.contentUrl);
  return undefined;
}

function absolute(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const u = new URL(href, base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the page's metadata; every field is optional and trimmed. */
export function readMetadata(root: QueryRoot, url?: string): PageMetadata {
  const meta = new Map<string, string>();
  for (const el of root.querySelectorAll("meta[content]")) {
    const key = (el.getAttribute("property") ?? el.getAttribute("name") ?? el.getAttribute("itemprop") ?? "")
      .trim()
      .toLowerCase();
    const value = clean(el.getAttribute("content"));
    if (key && value && !meta.has(key)) meta.set(key, value);
  }
  const httpLang = root.querySelector('meta[http-equiv="content-language" i]')?.getAttribute("content");
  const ld = articleJsonLd(root);
  const ldString = (k: string) => (ld && typeof ld[k] === "string" ? clean(ld[k]) : undefined);
  const html = root.documentElement;
  const base = root.querySelector("base[href]")?.getAttribute("href") ?? url;
  const canonical =
    root.querySelector('link[rel~="canonical" i][href]')?.getAttribute("href") ??
    meta.get("og:url") ??
    undefined;
  const dir = clean(html?.getAttribute("dir"))?.toLowerCase();
  const out: PageMetadata = {
    title:
      ldString("headline") ??
      meta.get("og:title") ??
      meta.get("twitter:title") ??
      clean(root.querySelector("title")?.textContent),
    byline: names(ld?.author) ?? meta.get("author") ?? meta.get("article:author") ?? meta.get("dc.creator"),
    siteName:
      meta.get("og:site_name") ??
      names(isObject(ld?.publisher) ? ld.publisher : undefined) ??
      meta.get("application-name"),
    publishedTime:
      ldString("datePublished") ??
      meta.get("article:published_time") ??
      meta.get("date") ??
      meta.get("dc.date") ??
      meta.get("pubdate"),
    modifiedTime:
      ldString("dateModified") ?? meta.get("article:modified_time") ?? meta.get("og:updated_time"),
    lang:
      clean(html?.getAttribute("lang")) ??
      ldString("inLanguage") ??
      clean(httpLang) ??
      meta.get("og:locale")?.replace("_", "-"),
    dir: dir === "ltr" || dir === "rtl" || dir === "auto" ? dir : undefined,
    excerpt:
      meta.get("og:description") ??
      meta.get("description") ??
      meta.get("twitter:description") ??
      ldString("description"),
    leadImage: absolute(
      meta.get("og:image") ??
        meta.get("og:image:url") ??
        meta.get("twitter:image") ??
        meta.get("twitter:image:src") ??
        imageUrl(ld?.image),
      base,
    ),
    canonicalUrl: absolute(canonical, base),
  };
  for (const k of Object.keys(out) as (keyof PageMetadata)[]) if (out[k] === undefined) delete out[k];
  return out;
}
