import { LRUCache } from "lru-cache";
import type { Clock } from "../../platform/clock.js";
import type { Principal } from "./principal.js";

export interface CachedPrincipal {
  /** Frozen: it is shared by every request that presents the credential. */
  principal: Principal;
  /** Epoch ms after which the entry must be looked up again (TTL, or the credential's own expiry). */
  until: number;
  /** Epoch ms of the last recorded use (tokens record theirs at most once a minute). */
  usedAt: number;
}

export interface PrincipalCacheOptions {
  /** How long a looked-up principal is reused; 0 turns the cache off. */
  ttlMs: number;
  /** Most entries kept (least recently used go first). */
  max?: number;
  clock: Clock;
}

/**
 * Authenticated principals by credential hash, so most requests skip the database lookup (which, on
 * SQLite, costs more than the rest of a small request: a read transaction and its file locks).
 * Exactness: every change to a user, session or token records a `user.changed` event in its transaction;
 * once it commits, the auth module drops that user's entries in this process at once (`forget`, called
 * after commit) and, when the event relay publishes it, in every other process (Redis pub/sub when
 * configured; otherwise only this process shares the bus, and other processes' entries age out within
 * the TTL). Unknown credentials are never cached, so a new token or session works at once.
 * See docs/adr/0007-principal-cache.md.
 */
export class PrincipalCache {
  private readonly entries: LRUCache<string, CachedPrincipal>;

  constructor(private readonly opts: PrincipalCacheOptions) {
    this.entries = new LRUCache({ max: opts.max ?? 10_000 });
  }

  get enabled(): boolean {
    return this.opts.ttlMs > 0;
  }

  /** The cached entry for `key`, if still fresh at `nowMs` (default: the clock's now). */
  get(key: string, nowMs = this.opts.clock.now().getTime()): CachedPrincipal | undefined {
    if (!this.enabled) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (nowMs >= e.until) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /**
   * Keeps `principal` for the TTL, never past `expiresAt` (the credential's own expiry) when given, and
   * returns the entry (a fresh, unkept one when the cache is off).
   */
  set(key: string, principal: Principal, expiresAt: string | null, usedAt: number): CachedPrincipal {
    let until = this.opts.clock.now().getTime() + this.opts.ttlMs;
    if (expiresAt) until = Math.min(until, new Date(expiresAt).getTime());
    Object.freeze(principal.user);
    Object.freeze(principal.credential);
    const entry = { principal: Object.freeze(principal), until, usedAt };
    if (this.enabled) this.entries.set(key, entry);
    return entry;
  }

  /** Forgets every cached principal of the user in this process. */
  forget(userId: string): void {
    if (this.entries.size === 0) return;
    for (const [key, e] of this.entries.entries())
      if (e.principal.user.id === userId) this.entries.delete(key);
  }
}
