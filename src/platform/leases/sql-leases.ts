import type { Clock } from "../clock.js";
import type { UnitOfWork } from "../db/unit-of-work.js";
import { SqlLease } from "../lease.js";
import type { Leases } from "./leases.js";

/**
 * Leases in the SQL `leases` table (one UPSERT decides, on SQLite and PostgreSQL alike), each statement
 * outside the caller's transaction, so a lease is visible to other processes at once and is not undone by
 * the caller's rollback. Expired rows are deleted now and then.
 */
export class SqlLeases implements Leases {
  private lastPrune = 0;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    /** Only rows whose names start with this are pruned (letters, digits, `.`, `:` and `-`). */
    private readonly prunePrefix: string,
  ) {
    if (!/^[a-z0-9.:-]+$/i.test(prunePrefix))
      throw new Error(`lease prefix "${prunePrefix}": no LIKE patterns`);
  }

  take(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.uow.outside(async () => {
      await this.prune();
      return new SqlLease(this.uow, name, holder, this.clock, ttlMs).acquire();
    });
  }

  give(name: string, holder: string): Promise<void> {
    return this.uow.outside(() => new SqlLease(this.uow, name, holder, this.clock).release());
  }

  async close(): Promise<void> {}

  private async prune(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - this.lastPrune < 60_000) return;
    this.lastPrune = now.getTime();
    await this.uow.db
      .deleteFrom("leases")
      .where("name", "like", `${this.prunePrefix}%`)
      .where("expires_at", "<", now.toISOString())
      .execute();
  }
}
