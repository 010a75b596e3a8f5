import { invalidField } from "../../platform/errors.js";
import { normalizeUrl } from "./extraction/canonical-url.js";

/** Longest URL saved (the imports' limit too). */
export const MAX_URL = 8192;

/** The host without `www.`: what the site filter compares. */
export function siteOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, "");
}

/**
 * A URL a user asks to save, checked: absolute, http or https, with a host. Anything else (`javascript:`,
 * `data:`, `file:`, not a URL) is a 400 naming `field`. Whether the address may be fetched (private
 * addresses, credentials, ports) is the Fetcher's to decide: such a link is saved and fails with the reason.
 */
export function saveableUrl(raw: string, field = "/body/url"): { url: string; canonical: string } {
  const value = raw.trim();
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalidField(field, "http-url", "is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw invalidField(field, "http-url", `only http and https links can be saved (not ${parsed.protocol})`);
  if (!parsed.hostname) throw invalidField(field, "http-url", "has no host");
  if (parsed.href.length > MAX_URL)
    throw invalidField(field, "max-length", `is longer than ${MAX_URL} characters`);
  return { url: parsed.href, canonical: normalizeUrl(parsed.href) };
}
