import { parseHTML } from "linkedom";

// Images of an article, for archiving: list what the article shows (src and every srcset
// candidate, resolved against the page), then rewrite those addresses to local ones once the
// images are stored, so the article still reads when the site is gone.

const SRCSET_ENTRY = /\s*([^\s,]+(?:,(?!\s)[^\s,]*)*)(\s+[\d.]+[wx])?\s*(?:,|$)/g;

/** Candidates of a srcset attribute: the URL and its descriptor (`2x`, `640w`, or ""). */
export function parseSrcset(srcset: string): { url: string; descriptor: string }[] {
  const out: { url: string; descriptor: string }[] = [];
  for (const m of srcset.matchAll(SRCSET_ENTRY)) {
    if (m[1]) out.push({ url: m[1], descriptor: (m[2] ?? "").trim() });
  }
  return out;
}

function absolute(href: string, base: string | undefined): string | undefined {
  try {
    const u = new URL(href, base);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Every distinct http(s) image address in `html` (img src and srcset, picture source srcset), in order. */
export function listImages(html: string, baseUrl?: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const seen = new Set<string>();
  for (const el of document.querySelectorAll("img[src], img[srcset], picture source[srcset]")) {
    const src = el.getAttribute("src");
    const candidates = [src ?? "", ...parseSrcset(el.getAttribute("srcset") ?? "").map((c) => c.url)];
    for (const c of candidates) {
      const abs = c ? absolute(c, baseUrl) : undefined;
      if (abs) seen.add(abs);
    }
  }
  return [...seen];
}

/**
 * Rewrites image addresses through `mapping` (absolute original URL → local URL). Images without a
 * mapping keep their (absolute) address unless `dropUnmapped`, which removes them: a reader view
 * served from the archive should not call the site.
 */
export function rewriteImages(
  html: string,
  mapping: ReadonlyMap<string, string>,
  options: { baseUrl?: string; dropUnmapped?: boolean } = {},
): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const local = (raw: string) => {
    const abs = absolute(raw, options.baseUrl);
    return abs ? mapping.get(abs) : undefined;
  };
  for (const el of [...document.querySelectorAll("img, picture source")]) {
    const src = el.getAttribute("src");
    if (src !== null) {
      const mapped = local(src);
      if (mapped) el.setAttribute("src", mapped);
      else if (options.dropUnmapped) el.removeAttribute("src");
      else {
        const abs = absolute(src, options.baseUrl);
        if (abs) el.setAttribute("src", abs);
      }
    }
    const srcset = el.getAttribute("srcset");
    if (srcset !== null) {
      const kept = parseSrcset(srcset).flatMap((c) => {
        const mapped = local(c.url);
        const url = mapped ?? (options.dropUnmapped ? undefined : absolute(c.url, options.baseUrl));
        return url ? [`${url}${c.descriptor ? ` ${c.descriptor}` : ""}`] : [];
      });
      if (kept.length) el.setAttribute("srcset", kept.join(", "));
      else el.removeAttribute("srcset");
    }
    if (options.dropUnmapped && el.tagName === "IMG" && !el.getAttribute("src") && !el.getAttribute("srcset"))
      el.remove();
  }
  return document.body.innerHTML;
}
