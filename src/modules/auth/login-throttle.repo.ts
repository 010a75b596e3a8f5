import { type Kysely, type RawBuilder, sql } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { AuthTables } from "./auth.tables.js";

/** Attempts are counted in fixed windows of this length per key. */
export const WINDOW_MS = 60 * 60 * 1000;
/** The longest wait between two attempts of a throttled key. */
export const MAX_DELAY_MS = 15 * 60 * 1000;
/** How long a trusted device is remembered without being used. */
export const DEVICE_TTL_MS = 365 * 86_400_000;

/** The verdict on one login attempt. */
export type Admission = { admitted: true } | { admitted: false; retryAfterMs: number };

/**
 * `attempts` → the wait before the next attempt (ms): none for the first `free`, then 1 s, 2 s, 4 s …
 * doubling up to MAX_DELAY_MS. Built as a CASE so the whole admission is one atomic statement.
 */
function delayAfter(attempts: RawBuilder<number>, free: number): RawBuilder<number> {
  const steps: RawBuilder<unknown>[] = [];
  for (let k = 0, d = 1000; d < MAX_DELAY_MS; k++, d *= 2)
    steps.push(sql`when ${attempts} = ${free + k} then ${d}`);
  return sql<number>`case when ${attempts} < ${free} then 0 ${sql.join(steps, sql` `)} else ${MAX_DELAY_MS} end`;
}

/**
 * Login throttling state shared by every API process (ADR 0401): attempts per key in one-hour windows,
 * counted atomically BEFORE the password is checked, with growing delays instead of a lock; and the
 * devices each account logged in from (trusted devices skip the account's and address's delays).
 */
export class LoginThrottleRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<AuthTables> {
    return this.scope.db;
  }

  /**
   * Counts one attempt for `key` and says whether it may go on to a password check: the first `free` of a
   * window at once, each later one only once the delay set by the previous one has passed. One statement
   * (insert … on conflict do update … where … returning), so concurrent attempts are each counted and at
   * most one is admitted per delay, on SQLite and PostgreSQL alike.
   */
  async admit(key: string, now: Date, free: number): Promise<Admission> {
    const nowMs = now.getTime();
    const floor = nowMs - WINDOW_MS;
    // Typed, so PostgreSQL does not take the parameter for an int4 (epoch ms overflow it).
    const at = sql<number>`cast(${nowMs} as bigint)`;
    const expired = sql<boolean>`login_attempts.window_start_ms <= ${floor}`;
    const counted = sql<number>`(case when ${expired} then 1 else login_attempts.attempts + 1 end)`;
    const admitted = await this.db
      .insertInto("login_attempts")
      .values({
        key,
        window_start_ms: nowMs,
        attempts: 1,
        next_at_ms: sql<number>`${at} + ${delayAfter(sql<number>`1`, free)}`,
      })
      .onConflict((oc) =>
        oc
          .column("key")
          .doUpdateSet({
            window_start_ms: sql<number>`case when ${expired} then ${at} else login_attempts.window_start_ms end`,
            attempts: counted,
            next_at_ms: sql<number>`${at} + ${delayAfter(counted, free)}`,
          })
          .where(
            sql<boolean>`${expired} or login_attempts.attempts < ${free} or login_attempts.next_at_ms <= ${nowMs}`,
          ),
      )
      .returning("attempts")
      .executeTakeFirst();
    if (admitted) return { admitted: true };
    const row = await this.db
      .selectFrom("login_attempts")
      .select(["window_start_ms", "next_at_ms"])
      .where("key", "=", key)
      .executeTakeFirst();
    const until = row ? Math.min(Number(row.next_at_ms), Number(row.window_start_ms) + WINDOW_MS) : nowMs;
    return { admitted: false, retryAfterMs: Math.max(1000, until - nowMs) };
  }

  /** Forgets the attempts of `key` (an account after its owner logged in). */
  async reset(key: string): Promise<void> {
    await this.db.deleteFrom("login_attempts").where("key", "=", key).execute();
  }

  /** Takes back one counted attempt of `key` (a login that succeeded was not a failure). */
  async forgive(key: string): Promise<void> {
    await this.db
      .updateTable("login_attempts")
      .set({ attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end` })
      .where("key", "=", key)
      .execute();
  }

  /** The user a trusted-device cookie (its hash) belongs to, if it is known. */
  async deviceOwner(idHash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("trusted_devices")
      .select("user_id")
      .where("id_hash", "=", idHash)
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Remembers a device the user logged in from (or refreshes it). */
  async trustDevice(idHash: string, userId: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.db
      .insertInto("trusted_devices")
      .values({ id_hash: idHash, user_id: userId, created_at: at, last_used_at: at })
      .onConflict((oc) => oc.column("id_hash").doUpdateSet({ last_used_at: at }))
      .execute();
  }

  /** Deletes windows that ended and devices unused for DEVICE_TTL_MS; how many attempt rows went. */
  async prune(now: Date): Promise<number> {
    const nowMs = now.getTime();
    const r = await this.db
      .deleteFrom("login_attempts")
      .where("window_start_ms", "<=", nowMs - WINDOW_MS)
      .where("next_at_ms", "<=", nowMs)
      .executeTakeFirst();
    await this.db
      .deleteFrom("trusted_devices")
      .where("last_used_at", "<", new Date(nowMs - DEVICE_TTL_MS).toISOString())
      .execute();
    return Number(r.numDeletedRows);
  }
}
