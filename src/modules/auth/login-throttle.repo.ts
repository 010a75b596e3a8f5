import type { Kysely } from "kysely";
import type { DbScope } from "../../platform/db/unit-of-work.js";
import type { AuthTables } from "./auth.tables.js";

const WINDOW_MS = 60 * 60 * 1000;

/**
 * Fixed one-hour windows of failed-login counts per key ("acct:<email>", "addr:<ip>"), kept in the
 * database so every API process sees the same counts.
 */
export class LoginThrottleRepo {
  constructor(private readonly scope: DbScope) {}

  private get db(): Kysely<AuthTables> {
    return this.scope.db;
  }

  /** Failures counted for `key` in the window containing `now`, and when that window ends. */
  async failures(key: string, now: Date): Promise<{ count: number; resetsAt: Date }> {
    const row = await this.db
      .selectFrom("login_throttle")
      .selectAll()
      .where("key", "=", key)
      .executeTakeFirst();
    if (!row) return { count: 0, resetsAt: new Date(now.getTime() + WINDOW_MS) };
    const start = new Date(row.window_start).getTime();
    if (now.getTime() - start >= WINDOW_MS)
      return { count: 0, resetsAt: new Date(now.getTime() + WINDOW_MS) };
    return { count: row.failures, resetsAt: new Date(start + WINDOW_MS) };
  }

  /** Counts one more failure for `key`, starting a new window when the old one has passed. */
  async recordFailure(key: string, now: Date): Promise<void> {
    const nowIso = now.toISOString();
    const windowFloor = new Date(now.getTime() - WINDOW_MS).toISOString();
    await this.db
      .insertInto("login_throttle")
      .values({ key, window_start: nowIso, failures: 1 })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet((eb) => ({
          failures: eb
            .case()
            .when("login_throttle.window_start", "<=", windowFloor)
            .then(1)
            .else(eb("login_throttle.failures", "+", 1))
            .end(),
          window_start: eb
            .case()
            .when("login_throttle.window_start", "<=", windowFloor)
            .then(nowIso)
            .else(eb.ref("login_throttle.window_start"))
            .end(),
        })),
      )
      .execute();
  }

  /** Forgets the failures of `key` (after a successful login). */
  async reset(key: string): Promise<void> {
    await this.db.deleteFrom("login_throttle").where("key", "=", key).execute();
  }
}
