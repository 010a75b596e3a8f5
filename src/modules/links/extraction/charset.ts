// Decoding a fetched page's bytes to text, in the order the HTML standard's encoding sniffing uses:
// a byte order mark, then the transport's charset (Content-Type header), then a <meta charset> or
// <meta http-equiv="Content-Type"> in the first 1024 bytes (we look at 4096: real pages put long
// comments first), then UTF-8 if the bytes are valid UTF-8, else windows-1252 (what browsers fall back
// to for Western pages). Labels go through TextDecoder, which knows the standard's label list.

export type CharsetSource = "bom" | "header" | "meta" | "utf8-valid" | "fallback";

export interface DecodedHtml {
  html: string;
  /** The encoding used, as TextDecoder names it ("utf-8", "windows-1252", "shift_jis", …). */
  charset: string;
  source: CharsetSource;
}

/** TextDecoder's name for a label, or undefined when the label is unknown. UTF-16 in a meta is UTF-8. */
function encodingFor(label: string | undefined, fromMeta: boolean): string | undefined {
  if (!label) return undefined;
  try {
    const name = new TextDecoder(label.trim().replace(/^["']|["']$/g, "")).encoding;
    // A page cannot declare itself UTF-16 from inside: the declaration itself was read as ASCII.
    if (fromMeta && name.startsWith("utf-16")) return "utf-8";
    return name;
  } catch {
    return undefined;
  }
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

/** The charset parameter of a Content-Type header value. */
export function charsetParam(contentType: string | undefined): string | undefined {
  const m = contentType?.match(/;\s*charset\s*=\s*("?)([^";\s]+)\1/i);
  return m?.[2];
}

const META_CHARSET = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i;

function metaEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 4096)).toString(
    "latin1",
  );
  // Comments can hold stale declarations; drop them before looking.
  const m = head.replace(/<!--[\s\S]*?-->/g, "").match(META_CHARSET);
  return encodingFor(m?.[1], true);
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// windows-1252's 0x80–0x9F (smart quotes, dashes, €). Node 20's TextDecoder decodes the label as
// Latin-1 there (C1 control characters), so those 32 bytes are mapped here (WHATWG index).
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function decodeWith(charset: string, bytes: Uint8Array): string {
  const text = new TextDecoder(charset).decode(bytes);
  if (charset !== "windows-1252") return text;
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
}

/** Decodes HTML bytes; never throws (undecodable bytes become U+FFFD). */
export function decodeHtml(bytes: Uint8Array, contentType?: string): DecodedHtml {
  const decode = (charset: string, source: CharsetSource): DecodedHtml => ({
    // ignoreBOM false (the default) strips a matching BOM.
    html: decodeWith(charset, bytes),
    charset,
    source,
  });
  const bom = bomEncoding(bytes);
  if (bom) return decode(bom, "bom");
  const header = encodingFor(charsetParam(contentType), false);
  // A header claiming UTF-8 for bytes that are not (a server default over a legacy page) is not believed:
  // the page's own meta, or the fallback, reads it.
  if (header && !(header === "utf-8" && !isValidUtf8(bytes))) return decode(header, "header");
  const meta = metaEncoding(bytes);
  if (meta) {
    // A page declaring a legacy charset that is in fact valid UTF-8 (a common CMS migration bug) reads
    // right only as UTF-8; pure ASCII reads the same either way.
    if (meta !== "utf-8" && isValidUtf8(bytes) && /[\u0080-\uffff]/.test(new TextDecoder().decode(bytes))) {
      return decode("utf-8", "utf8-valid");
    }
    return decode(meta, "meta");
  }
  if (isValidUtf8(bytes)) return decode("utf-8", "utf8-valid");
  return decode("windows-1252", "fallback");
}
