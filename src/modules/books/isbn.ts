/** A valid ISBN in both forms: isbn13 always, isbn10 when the ISBN-13 starts with 978. */
export interface Isbns {
  isbn10: string | null;
  isbn13: string;
}

/** Removes hyphens and spaces and upper-cases a trailing x. */
export function compactIsbn(raw: string): string {
  return raw.replace(/[\s-]/g, "").toUpperCase();
}

function isbn10CheckDigit(first9: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * Number(first9[i]);
  const d = (11 - (sum % 11)) % 11;
  return d === 10 ? "X" : String(d);
}

function isbn13CheckDigit(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(first12[i]);
  return String((10 - (sum % 10)) % 10);
}

/** True for a compact ISBN-10 with a correct check digit. */
export function isValidIsbn10(s: string): boolean {
  return /^\d{9}[\dX]$/.test(s) && isbn10CheckDigit(s.slice(0, 9)) === s[9];
}

/** True for a compact ISBN-13 (978/979 prefix) with a correct check digit. */
export function isValidIsbn13(s: string): boolean {
  return /^97[89]\d{10}$/.test(s) && isbn13CheckDigit(s.slice(0, 12)) === s[12];
}

export function isbn10To13(isbn10: string): string {
  const body = `978${isbn10.slice(0, 9)}`;
  return body + isbn13CheckDigit(body);
}

export function isbn13To10(isbn13: string): string | null {
  if (!isbn13.startsWith("978")) return null;
  const body = isbn13.slice(3, 12);
  return body + isbn10CheckDigit(body);
}

/**
 * Parses an ISBN-10 or ISBN-13 typed any common way ("0-306-40615-2", "978 0 306 40615 7");
 * undefined when it is not a valid ISBN of either kind (wrong length, characters or check digit).
 */
export function parseIsbn(raw: string): Isbns | undefined {
  const s = compactIsbn(raw);
  if (s.length === 10 && isValidIsbn10(s)) return { isbn10: s, isbn13: isbn10To13(s) };
  if (s.length === 13 && isValidIsbn13(s)) return { isbn10: isbn13To10(s), isbn13: s };
  return undefined;
}

/** `parseIsbn`, when the ISBN is also of the given kind (10 or 13 digits once compacted; 0: either). */
export function isbnOfLength(raw: string, length: 0 | 10 | 13): Isbns | undefined {
  const parsed = parseIsbn(raw);
  return parsed && (length === 0 || compactIsbn(raw).length === length) ? parsed : undefined;
}
