import type { Config, DOMPurify } from "dompurify";

// Sanitising article HTML for storage and for the reader view: DOMPurify on one jsdom window
// created on first use and reused for every call (creating a window costs ~20 ms and megabytes;
// DOMPurify is only correct on a spec-compliant DOM: linkedom and happy-dom are not safe hosts).

/** What an article may keep: text structure, tables, code, figures, images, links. No forms, no media that plays. */
const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    "style",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "iframe",
    "frame",
    "object",
    "embed",
    "video",
    "audio",
    "source",
    "track",
    "dialog",
    "template",
    "link",
    "meta",
    "base",
  ],
  FORBID_ATTR: [
    "style",
    "class",
    "id",
    "srcdoc",
    "ping",
    "formaction",
    "action",
    "target",
    "background",
    "poster",
  ],
  ALLOW_DATA_ATTR: false,
};

export interface Sanitizer {
  /** Clean article HTML: no script, no event handler, no javascript: or data: URL outside images. */
  sanitize(html: string): string;
}

let shared: Promise<Sanitizer> | undefined;

/** The process's sanitiser, loaded (jsdom + DOMPurify) on first use. */
export function loadSanitizer(): Promise<Sanitizer> {
  shared ??= createSanitizer();
  return shared;
}

async function createSanitizer(): Promise<Sanitizer> {
  const [{ JSDOM }, { default: createDOMPurify }] = await Promise.all([import("jsdom"), import("dompurify")]);
  const { window } = new JSDOM("<!doctype html><html><body></body></html>");
  const purify: DOMPurify = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  purify.addHook("afterSanitizeAttributes", (node) => {
    // Links leave the reader view in a fresh context and tell the site nothing.
    if (node.nodeName === "A" && node.getAttribute?.("href"))
      node.setAttribute("rel", "noopener noreferrer nofollow");
  });
  return {
    sanitize(html: string): string {
      return purify.sanitize(html, { ...CONFIG, RETURN_TRUSTED_TYPE: false });
    },
  };
}

/** DOMPurify with its default configuration on the same kind of window, for checking the host itself. */
export async function defaultPurify(): Promise<(html: string) => string> {
  const [{ JSDOM }, { default: createDOMPurify }] = await Promise.all([import("jsdom"), import("dompurify")]);
  const purify = createDOMPurify(new JSDOM("").window as unknown as Parameters<typeof createDOMPurify>[0]);
  return (html) => purify.sanitize(html);
}
