// The address a saved link is known by, for spotting the same article saved twice: tracking
// parameters removed, host lower-cased, default port and fragment dropped, and the page's own
// rel=canonical / og:url taken when it points to the same site (a page may not claim another
// site's address: that would let any page hijack an existing entry).

/** Query parameters that only track where a click came from. Prefix entries end with "_" or "*". */
const TRACKING = [
  "utm_*",
  "fbclid",
  "gclid",
  "gclsrc",
  "dclid",
  "gbraid",
  "wbraid",
  "msclkid",
  "yclid",
  "twclid",
  "ttclid",
  "li_fat_id",
  "mc_cid",
  "mc_eid",
  "mkt_tok",
  "_hsenc",
  "_hsmi",
  "__hstc",
  "__hssc",
  "__hsfp",
  "hsctatracking",
  "igshid",
  "igsh",
  "si",
  "ref_src",
  "ref_url",
  "s_cid",
  "cmpid",
  "wt_mc",
  "wt.mc_id",
  "pk_*",
  "piwik_*",
  "mtm_*",
  "matomo_*",
  "oly_anon_id",
  "oly_enc_id",
  "rb_clickid",
  "vero_id",
  "vero_conv",
  "_openstat",
  "spm",
  "scm",
  "ncid",
  "sr_share",
  "at_medium",
  "at_campaign",
  "at_custom*",
  "trk",
  "trkcampaign",
  "ga_*",
  "_ga",
  "_gl",
  "icid",
  "guccounter",
  "guce_referrer",
  "guce_referrer_sig",
  "soc_src",
  "soc_trk",
  "ocid",
  "sc_cid",
  "xtor",
  "cid_source",
];

function isTracking(name: string): boolean {
  const n = name.toLowerCase();
  return TRACKING.some((t) => (t.endsWith("*") ? n.startsWith(t.slice(0, -1)) : n === t));
}

/** The registrable-ish site of a host: the last two labels (three under a two-letter ccTLD's second level). */
function siteOf(host: string): string {
  const labels = host.replace(/^www\./, "").split(".");
  if (labels.length <= 2) return labels.join(".");
  const [sld, tld] = labels.slice(-2);
  const secondLevel =
    tld &&
    tld.length === 2 &&
    sld &&
    (sld.length <= 3 || ["co", "com", "org", "net", "gov", "ac", "edu"].includes(sld));
  return labels.slice(secondLevel ? -3 : -2).join(".");
}

/** Normalises one address: scheme and host lower-cased, default port, fragment and tracking parameters gone. */
export function normalizeUrl(raw: string): string {
  const url = new URL(raw.trim());
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new RangeError(`not a web address: ${url.protocol}`);
  url.hash = "";
  url.username = "";
  url.password = "";
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  // URL drops :80 for http and :443 for https by itself.
  const kept = [...url.searchParams].filter(([k]) => !isTracking(k));
  url.search = "";
  for (const [k, v] of kept) url.searchParams.append(k, v);
  if (url.pathname === "") url.pathname = "/";
  return url.href;
}

/**
 * The canonical address of a page fetched from `url`: the page's rel=canonical or og:url when it is
 * on the same site (www. and http/https aside), else the fetched address; normalised either way.
 */
export function canonicalUrl(url: string, claimed?: { canonical?: string; ogUrl?: string }): string {
  const base = normalizeUrl(url);
  const baseHost = new URL(base).hostname;
  for (const candidate of [claimed?.canonical, claimed?.ogUrl]) {
    if (!candidate) continue;
    let resolved: string;
    try {
      resolved = normalizeUrl(new URL(candidate, url).href);
    } catch {
      continue;
    }
    if (siteOf(new URL(resolved).hostname) === siteOf(baseHost)) return resolved;
  }
  return base;
}
