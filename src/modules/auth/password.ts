import { createRequire } from "node:module";
import { invalidField } from "../../platform/errors.js";
import { PASSWORD_MAX } from "../users/users.schemas.js";

// OWASP: argon2id, m = 19 MiB, t = 2, p = 1.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export { PASSWORD_MAX };

let common: Set<string> | undefined;
/** The common-password list (~13 MB as a module), loaded on the first password check, not at boot. */
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = createRequire(import.meta.url)("@zxcvbn-ts/language-common") as {
      dictionary: Record<string, string[]>;
    };
    common = new Set(dictionary["passwords-common"]!.filter((p) => p.length >= PASSWORD_MIN));
  }
  return common;
}

/** Length 8–256 and not among ~18,000 well-known passwords of that length; no composition rules (NIST 800-63B). */
export function checkPasswordPolicy(password: string, field = "/body/password"): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN)
    throw invalidField(field, "minLength", `must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX)
    throw invalidField(field, "maxLength", `must be at most ${PASSWORD_MAX} characters`);
  if (commonPasswords().has(password.toLowerCase()))
    throw invalidField(field, "commonPassword", "is one of the most common passwords; choose another");
}

let argon2: Promise<typeof import("@node-rs/argon2")> | undefined;
/** The native argon2 module (~10 MB resident), loaded on the first password operation, not at boot. */
function loadArgon2(): Promise<typeof import("@node-rs/argon2")> {
  argon2 ??= import("@node-rs/argon2");
  return argon2;
}

export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await (await loadArgon2()).verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real verification, so unknown accounts cannot be told apart by timing. */
export async function verifyAgainstNothing(password: string): Promise<void> {
  dummy ??= hashPassword("readlog-dummy-password-for-timing");
  await verifyPassword(await dummy, password);
}
