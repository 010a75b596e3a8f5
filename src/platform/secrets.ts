import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new random secret of `bytes` bytes (default 32 = 256 bits), base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** SHA-256 hex of a high-entropy secret; enough for random tokens (passwords use argon2id). */
export function sha256(value: string): string {
  // One-shot crypto.hash (Node ≥ 20.12): ~2.5× faster than createHash().update().digest() for short input,
  // and every authenticated request hashes its credential.
  return hash("sha256", value, "hex");
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
