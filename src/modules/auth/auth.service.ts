import { type Actor, actorOf, roleScopes, SCOPES, type Scope } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import { isUniqueViolation } from "../../platform/db/errors.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import type { EnumValue } from "../../platform/enum.js";
import { AppError, forbidden, tooManyRequests, unauthorized } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import type { Credential } from "../../platform/http/actor.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import { checkTimeZone } from "../users/timezone.js";
import { type USER_CHANGES, userChanged } from "../users/users.events.js";
import type { UserProfile, UsersRepo } from "../users/users.repo.js";
import type { LoginThrottleRepo } from "./login-throttle.repo.js";
import { checkPasswordPolicy, hashPassword, verifyAgainstNothing, verifyPassword } from "./password.js";
import type { Principal } from "./principal.js";
import type { PrincipalCache } from "./principal-cache.js";
import type { RegistrationRepo } from "./registration.repo.js";
import type { SessionsRepo } from "./sessions.repo.js";
import type { TokensRepo } from "./tokens.repo.js";

/** What the auth module reads of the configuration. */
export interface AuthConfig {
  sessionTtlDays: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  authCacheSeconds: number;
}

export interface AuthDeps {
  uow: UnitOfWork;
  events: EventLog;
  users: UsersRepo;
  sessions: SessionsRepo;
  tokens: TokensRepo;
  throttle: LoginThrottleRepo;
  registration: RegistrationRepo;
  clock: Clock;
  /** Principals by credential (every change recorded here as `user.changed` drops the user's entries). */
  cache: PrincipalCache;
  config: Pick<AuthConfig, "sessionTtlDays" | "loginMaxFailuresPerAccount" | "loginMaxFailuresPerAddress">;
}

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserProfile;
  /** The trusted-device cookie to set (ADR 0401): new at a login from a device not known yet, else the same. */
  deviceCookie: string;
}

/** Wrong passwords a trusted device may send per hour before its own delays start (ADR 0401). */
export const DEVICE_FREE_FAILURES = 10;
/** Throttle rows of ended windows are deleted at most this often (per process). */
const PRUNE_EVERY_MS = 10 * 60_000;

/** Records, in the current transaction, that the user's credentials must be looked up again. */
export function credentialsChanged(
  events: EventLog,
  userId: string,
  what: EnumValue<typeof USER_CHANGES>,
): Promise<unknown> {
  return events.record(userChanged, { userId, what }, { aggregateId: userId, ownerId: userId });
}

const profileOf = ({
  password_hash: _hash,
  ...profile
}: UserProfile & { password_hash?: string }): UserProfile => profile;

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
      await this.d.uow.transaction(async () => {
        const first = await this.d.registration.claimBootstrap();
        if (!first && mode === "bootstrap") throw forbidden("Registration is closed on this server");
        await this.d.users.insert({
          id,
          email,
          name: input.name?.trim() || email.split("@")[0]!,
          password_hash: passwordHash,
          role: first ? "admin" : "member",
          timezone,
          created_at: now,
          disabled_at: null,
        });
        if (mode === "invite" && !(await this.d.registration.consumeInvite(inviteHash!, id, now)))
          throw forbidden("Registration needs a valid, unused invite code");
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // The email exists: say nothing different.
    }
  }

  /**
   * Verifies credentials and opens a new session (any session cookie sent along is ended: rotation).
   * Throttled as ADR 0401 says: every attempt is counted before the password is checked (so concurrent
   * guesses cannot outrun the limits); past the limits, attempts wait growing delays instead of a lock.
   * A device the account logged in from before (its `deviceCookie`) is counted on its own, so strangers
   * guessing can never keep the owner out. A disabled account answers exactly as a wrong password does.
   */
  async login(input: {
    email: string;
    password: string;
    address: string;
    userAgent?: string;
    previousCookie?: string;
    deviceCookie?: string;
  }): Promise<NewSession> {
    const email = normaliseEmail(input.email);
    const now = this.d.clock.now();
    await this.pruneThrottle(now);
    const user = await this.d.users.withSecretByEmail(email);
    const deviceHash = input.deviceCookie ? sha256(`device:${input.deviceCookie}`) : undefined;
    const trusted =
      user !== undefined &&
      deviceHash !== undefined &&
      (await this.d.throttle.deviceOwner(deviceHash)) === user.id;
    const keys = trusted
      ? [{ key: `dev:${deviceHash}`, free: DEVICE_FREE_FAILURES }]
      : [
          { key: `addr:${input.address}`, free: this.d.config.loginMaxFailuresPerAddress },
          { key: `acct:${email}`, free: this.d.config.loginMaxFailuresPerAccount },
        ];
    for (const { key, free } of keys) {
      const verdict = await this.d.throttle.admit(key, now, free);
      if (!verdict.admitted)
        throw tooManyRequests(
          "Too many failed logins; try again later",
          Math.ceil(verdict.retryAfterMs / 1000),
        );
    }

    let ok = false;
    if (user) ok = await verifyPassword(user.password_hash, input.password);
    else await verifyAgainstNothing(input.password);
    if (!user || !ok || user.disabled_at) throw unauthorized("Invalid email or password");
    if (trusted) await this.d.throttle.reset(`dev:${deviceHash}`);
    else {
      await this.d.throttle.reset(`acct:${email}`);
      await this.d.throttle.forgive(`addr:${input.address}`);
    }
    const deviceCookie = trusted ? input.deviceCookie! : randomSecret(32);
    await this.d.throttle.trustDevice(sha256(`device:${deviceCookie}`), user.id, now);
    if (input.previousCookie) await this.endSession(input.previousCookie);
    return { ...(await this.openSession(profileOf(user), input.userAgent)), deviceCookie };
  }

  private lastPrune = Number.NEGATIVE_INFINITY;

  /** Deletes ended throttle windows now and then, so the table holds only live ones. */
  private async pruneThrottle(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.d.throttle.prune(now);
  }

  private async openSession(
    user: UserProfile,
    userAgent?: string,
  ): Promise<Omit<NewSession, "deviceCookie">> {
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
    await this.d.uow.transaction(async () => {
      const userId = await this.d.sessions.delete(sha256(cookie));
      if (userId) await credentialsChanged(this.d.events, userId, "sessions");
    });
  }

  /** Changes the actor's own name or time zone (a valid IANA zone). */
  async updateProfile(actor: Actor, patch: { name?: string; timezone?: string }): Promise<UserProfile> {
    if (patch.timezone !== undefined) checkTimeZone(patch.timezone);
    return this.d.uow.transaction(async () => {
      const updated = await this.d.users.update(actor.userId, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      });
      await credentialsChanged(this.d.events, actor.userId, "profile");
      return updated!;
    });
  }

  /** Changes the password after checking the current one; every other session of the user ends. */
  async changePassword(
    actor: Actor,
    credential: Credential,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const hash0 = await this.d.users.passwordHash(actor.userId);
    if (!hash0 || !(await verifyPassword(hash0, currentPassword)))
      throw new AppError(400, "validation", "Invalid request", "The current password is wrong", [
        { field: "/body/currentPassword", rule: "matches", message: "is not the current password" },
      ]);
    checkPasswordPolicy(newPassword, "/body/newPassword");
    const hash = await hashPassword(newPassword);
    await this.d.uow.transaction(async () => {
      await this.d.users.update(actor.userId, { password_hash: hash });
      await this.d.sessions.deleteForUser(actor.userId, credential.sessionHash);
      await credentialsChanged(this.d.events, actor.userId, "password");
    });
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
      actor: actorOf(found.user, roleScopes(found.user.role)),
      user: found.user,
      credential: { via: "session", sessionHash: hash },
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
      const granted = found.token.scopes.split(" ").filter((s): s is Scope => SCOPES.is(s));
      const scopes = granted.filter((s) => s !== "admin" || found.user.role === "admin");
      const principal: Principal = {
        actor: actorOf(found.user, scopes),
        user: found.user,
        credential: { via: "token", tokenId: found.token.id },
      };
      const usedAt = found.token.last_used_at ? new Date(found.token.last_used_at).getTime() : 0;
      entry = this.d.cache.set(key, principal, found.token.expires_at, usedAt);
    }
    if (now.getTime() - entry.usedAt >= TOUCH_EVERY_MS) {
      entry.usedAt = now.getTime();
      await this.d.tokens.touch(entry.principal.credential.tokenId!, now.toISOString());
    }
    return entry.principal;
  }
}
