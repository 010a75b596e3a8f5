import type { Actor, Scope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { forbidden } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import { credentialsChanged } from "./auth.service.js";
import type { TokenRow, TokensRepo } from "./tokens.repo.js";

export const TOKEN_PREFIX = "rl_";

/** Personal API tokens: created with scopes, shown once, stored hashed, listed, revoked. */
export class TokensService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      tokens: TokensRepo;
      clock: Clock;
      events: EventLog;
      access: AccessControl;
    },
  ) {}

  /**
   * Creates a token. A token can never carry more than the credential creating it: a read/write token
   * cannot mint an admin token, and only administrators hold the admin scope.
   */
  async create(by: Actor, input: { name: string; scopes: Scope[]; expiresInDays?: number }) {
    const missing = input.scopes.filter((s) => !by.scopes.includes(s));
    if (missing.length > 0) throw forbidden(`You cannot grant scopes you do not hold: ${missing.join(", ")}`);
    const now = this.d.clock.now();
    const secret = `${TOKEN_PREFIX}${randomSecret(32)}`;
    const row: TokenRow = {
      id: newId(now.getTime()),
      user_id: by.userId,
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
    await this.d.tokens.insert(row);
    return { row, secret };
  }

  /** The actor's tokens, newest first (limit + 1 rows, for paging). */
  list(by: Actor, limit: number, cursor?: string): Promise<TokenRow[]> {
    return this.d.tokens.list(by.userId, limit + 1, cursor);
  }

  /** Revokes one of the actor's tokens; 404 when it is not theirs or does not exist. Revoking twice is fine. */
  async revoke(by: Actor, id: string): Promise<void> {
    await this.d.uow.transaction(async () => {
      await this.d.access.require(by, "token.revoke", id);
      if (await this.d.tokens.revoke(by.userId, id, this.d.clock.now().toISOString()))
        await credentialsChanged(this.d.events, by.userId, "tokens");
    });
  }
}
