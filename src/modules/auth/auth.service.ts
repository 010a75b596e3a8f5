import type { Config } from "../../config.js";
import type { Clock } from "../../platform/clock.js";
import type { Db } from "../../platform/db/database.js";
import { isUniqueViolation } from "../../platform/db/errors.js";
import { AppError, forbidden, tooManyRequests, unauthorized } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import type { TokensRepo } from "../tokens/tokens.repo.js";
import { checkTimeZone } from "../users/timezone.js";
import type { UserRow, UsersRepo } from "../users/users.repo.js";
import type { LoginThrottleRepo } from "./login-throttle.repo.js";
import { checkPasswordPolicy, hashPassword, verifyAgainstNothing, verifyPassword } from "./password.js";
import { type Principal, type Scope, sessionScopes } from "./principal.js";
import type { PrincipalCache } from "./principal-cache.js";
import type { RegistrationRepo } from "./registration.repo.js";
import type { SessionsRepo } from "./sessions.repo.js";

export interface AuthDeps {
  db: Db;
  users: UsersRepo;
  sessions: SessionsRepo;
  tokens: TokensRepo;
  throttle: LoginThrottleRepo;
  registration: RegistrationRepo;
  clock: Clock;
  /** Principals by credential; told about every change this service makes to users and sessions. */
  cache: PrincipalCache;
  config: Pick<Config, "sessionTtlDays" | "loginMaxFailuresPerAccount" | "loginMaxFailuresPerAddress">;
}

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserRow;
}

/** The CSRF token bound to a session: only someone who can read the (HttpOnly) cookie can compute it. */
export function csrfTokenFor(sessionCookie: string): string {
  return sha256(`csrf:${sessionCookie}`);
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Touching last_used_at on every request would turn every read into a write; a minute is precise enough.
const TOUCH_EVERY_MS = 60_000;

/** Accounts, sessions and credentials: register, log in and out, change passwords, resolve principals. */
export class AuthService {
  constructor(private readonly d: AuthDeps) {}

  /** How registration works right now, for the sign-up page (public: it reveals no account). */
  registrationMode() {
    return this.d.registration.mode();
  }

  /**
   * Registers an account. The answer is the same whether or not the email was already taken,
   * so registration cannot be used to discover accounts; both paths cost one argon2 hash.
   */
  async register(input: {
    email: string;
    password: string;
    name?: string;
    timezone?: string;
    inviteCode?: string;
  }) {
    checkPasswordPolicy(input.password);
    const timezone = input.timezone ?? "UTC";
    checkTimeZone(timezone);
    const email = normaliseEmail(input.email);
    const now = this.d.clock.now().toISOString();
    const mode = await this.d.registration.mode();
    if (mode === "closed")
      throw forbidden("Registration is closed on this server; ask its administrator for an account");
    const inviteHash = input.inviteCode ? sha256(input.inviteCode) : undefined;
    if (mode === "invite" && !(inviteHash && (await this.d.registration.inviteUsable(inviteHash, now))))
      throw forbidden("Registration needs a valid, unused invite code");

    const passwordHash = await hashPassword(input.password);
    const id = newId();
    try {
      await this.d.db.transaction().execute(async (tx) => {
        const first = await this.d.registration.claimBootstrap(tx);
        if (!first && mode === "bootstrap") throw forbidden("Registration is closed on this server");
        await this.d.users.insert(tx, {
          id,
          email,
          name: input.name?.trim() || email.split("@")[0]!,
          password_hash: passwordHash,
          role: first ? "admin" : "member",
          timezone,
          created_at: now,
          disabled_at: null,
        });
        if (mode === "invite" && !(await this.d.registration.consumeInvite(tx, inviteHash!, id, now)))
          throw forbidden("Registration needs a valid, unused invite code");
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The email exists: say nothing different.
    }
  }

  /** Verifies credentials and opens a new session (any session cookie sent along is ended: rotation). */
  async login(input: {
    email: string;
    password: string;
    address: string;
    userAgent?: string;
    previousCookie?: string;
  }) {
    const email = normaliseEmail(input.email);
    const now = this.d.clock.now();
    const accountKey = `acct:${email}`;
    const addressKey = `addr:${input.address}`;
    const [acct, addr] = await Promise.all([
      this.d.throttle.failures(accountKey, now),
      this.d.throttle.failures(addressKey, now),
    ]);
    const blocked =
      acct.count >= this.d.config.loginMaxFailuresPerAccount
        ? acct
        : addr.count >= this.d.config.loginMaxFailuresPerAddress
          ? addr
          : undefined;
    if (blocked) {
      const retry = Math.max(1, Math.ceil((blocked.resetsAt.getTime() - now.getTime()) / 1000));
      throw tooManyRequests("Too many failed logins; try again later", retry);
    }

    const user = await this.d.users.byEmail(email);
    let ok = false;
    if (user) ok = await verifyPassword(user.password_hash, input.password);
    else await verifyAgainstNothing(input.password);
    if (!user || !ok) {
      await this.d.throttle.recordFailure(accountKey, now);
      await this.d.throttle.recordFailure(addressKey, now);
      throw unauthorized("Invalid email or password");
    }
    if (user.disabled_at) throw forbidden("This account is disabled");
    await this.d.throttle.reset(accountKey);
    if (input.previousCookie) await this.endSession(input.previousCookie);
    return this.openSession(user, input.userAgent);
  }

  private async openSession(user: UserRow, userAgent?: string): Promise<NewSession> {
    const now = this.d.clock.now();
    const cookie = randomSecret(32);
    const expiresAt = new Date(now.getTime() + this.d.config.sessionTtlDays * 86_400_000);
    await this.d.sessions.insert({
      id_hash: sha256(cookie),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      last_seen_at: now.toISOString(),
      user_agent: userAgent?.slice(0, 256) ?? null,
    });
    return { cookie, csrfToken: csrfTokenFor(cookie), expiresAt, user };
  }

  /** Ends the session with this cookie value. */
  async logout(sessionCookie: string): Promise<void> {
    await this.endSession(sessionCookie);
  }

  private async endSession(cookie: string): Promise<void> {
    const userId = await this.d.sessions.delete(sha256(cookie));
    if (userId) await this.d.cache.userChanged(userId);
  }

  /** Changes the user's own name or time zone (a valid IANA zone). */
  async updateProfile(principal: Principal, patch: { name?: string; timezone?: string }): Promise<UserRow> {
    if (patch.timezone !== undefined) checkTimeZone(patch.timezone);
    const updated = await this.d.users.update(principal.user.id, {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
    });
    await this.d.cache.userChanged(principal.user.id);
    return updated!;
  }

  /** Changes the password after checking the current one; every other session of the user ends. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (!(await verifyPassword(principal.user.password_hash, currentPassword)))
      throw new AppError(400, "validation", "Invalid request", "The current password is wrong", [
        { field: "/body/currentPassword", rule: "matches", message: "is not the current password" },
      ]);
    checkPasswordPolicy(newPassword, "/body/newPassword");
    const hash = await hashPassword(newPassword);
    await this.d.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("users")
        .set({ password_hash: hash })
        .where("id", "=", principal.user.id)
        .execute();
      let q = tx.deleteFrom("sessions").where("user_id", "=", principal.user.id);
      if (principal.sessionHash) q = q.where("id_hash", "!=", principal.sessionHash);
      await q.execute();
    });
    await this.d.cache.userChanged(principal.user.id);
  }

  /**
   * The principal behind a session cookie, or undefined when it is unknown, expired or the user disabled.
   * The returned principal is frozen and may be shared between requests (see PrincipalCache).
   */
  async fromSessionCookie(cookie: string): Promise<Principal | undefined> {
    const hash = sha256(cookie);
    const key = `s:${hash}`;
    const cached = this.d.cache.get(key);
    if (cached) return cached.principal;
    const now = this.d.clock.now();
    const found = await this.d.sessions.findLive(hash, now.toISOString());
    if (!found || found.user.disabled_at) return undefined;
    const principal: Principal = {
      user: found.user,
      scopes: sessionScopes(found.user),
      via: "session",
      sessionHash: hash,
    };
    return this.d.cache.set(key, principal, found.session.expires_at, now.getTime()).principal;
  }

  /**
   * The principal of a bearer token when it is cached and due no last-used write: answered without I/O.
   * Undefined means "ask fromBearerToken", not "invalid".
   */
  cachedBearer(token: string | undefined): Principal | undefined {
    if (token === undefined || !this.d.cache.enabled) return undefined;
    const now = this.d.clock.now().getTime();
    const entry = this.d.cache.get(`t:${sha256(token)}`, now);
    if (!entry || now - entry.usedAt >= TOUCH_EVERY_MS) return undefined;
    return entry.principal;
  }

  /**
   * The principal behind a bearer token, or undefined when it is unknown, revoked, expired or the user
   * disabled. Frozen and possibly shared, like a session's.
   */
  async fromBearerToken(token: string): Promise<Principal | undefined> {
    const key = `t:${sha256(token)}`;
    const now = this.d.clock.now();
    let entry = this.d.cache.get(key);
    if (!entry) {
      const found = await this.d.tokens.findLive(key.slice(2), now.toISOString());
      if (!found || found.user.disabled_at) return undefined;
      const granted = found.token.scopes.split(" ") as Scope[];
      const scopes = granted.filter((s) => s !== "admin" || found.user.role === "admin");
      const principal: Principal = { user: found.user, scopes, via: "token", tokenId: found.token.id };
      const usedAt = found.token.last_used_at ? new Date(found.token.last_used_at).getTime() : 0;
      entry = this.d.cache.set(key, principal, found.token.expires_at, usedAt);
    }
    if (now.getTime() - entry.usedAt >= TOUCH_EVERY_MS) {
      entry.usedAt = now.getTime();
      await this.d.tokens.touch(entry.principal.tokenId!, now.toISOString());
    }
    return entry.principal;
  }
}
