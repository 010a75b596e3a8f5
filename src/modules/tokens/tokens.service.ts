import type { Clock } from "../../platform/clock.js";
import { forbidden, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import type { Principal, Scope } from "../auth/principal.js";
import type { CredentialChanges } from "../auth/principal-cache.js";
import type { TokenRow, TokensRepo } from "./tokens.repo.js";

export const TOKEN_PREFIX = "rl_";

/** Personal API tokens: created with scopes, shown once, stored hashed, listed, revoked. */
export class TokensService {
  constructor(
    private readonly tokens: TokensRepo,
    private readonly clock: Clock,
    private readonly credentials: CredentialChanges,
  ) {}

  /**
   * Creates a token. A token can never carry more than the credential creating it: a read/write token
   * cannot mint an admin token, and only administrators hold the admin scope.
   */
  async create(by: Principal, input: { name: string; scopes: Scope[]; expiresInDays?: number }) {
    const missing = input.scopes.filter((s) => !by.scopes.includes(s));
    if (missing.length > 0) throw forbidden(`You cannot grant scopes you do not hold: ${missing.join(", ")}`);
    const now = this.clock.now();
    const secret = `${TOKEN_PREFIX}${randomSecret(32)}`;
    const row: TokenRow = {
      id: newId(now.getTime()),
      user_id: by.user.id,
      name: input.name.trim(),
      token_hash: sha256(secret),
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      scopes: [...new Set(input.scopes)].join(" "),
      created_at: now.toISOString(),
      last_used_at: null,
      expires_at: input.expiresInDays
        ? new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString()
        : null,
      revoked_at: null,
    };
    await this.tokens.insert(row);
    return { row, secret };
  }

  /** The user's tokens, newest first (limit + 1 rows, for paging). */
  list(userId: string, limit: number, cursor?: string): Promise<TokenRow[]> {
    return this.tokens.list(userId, limit + 1, cursor);
  }

  /** Revokes one of the user's tokens; 404 when it is not theirs or does not exist. Revoking twice is fine. */
  async revoke(userId: string, id: string): Promise<void> {
    if (await this.tokens.revoke(userId, id, this.clock.now().toISOString()))
      return this.credentials.userChanged(userId);
    if (!(await this.tokens.exists(userId, id))) throw notFound("Token");
  }
}
