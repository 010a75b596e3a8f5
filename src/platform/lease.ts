import type { Kysely } from "kysely";
import type { Clock } from "./clock.js";
import type { DbScope } from "./db/unit-of-work.js";

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

/**
 * A named lease row (table `leases`): at most one holder at a time; the holder renews it, and once it
 * expires (the holder died or stalled) anyone may take it over. One UPSERT decides, on SQLite and PostgreSQL
 * alike, so two contenders never both win.
 */
export class SqlLease {
  constructor(
    private readonly scope: DbScope,
    readonly name: string,
    readonly holder: string,
    private readonly clock: Clock,
    /** How long one acquisition or renewal holds. */
    readonly ttlMs = 30_000,
  ) {}

  private get db(): Kysely<{ leases: LeasesTable }> {
    return this.scope.db;
  }

  /** Until when (this process's clock) the row this holder last wrote keeps the lease its own. */
  private heldUntil = 0;

  /**
   * Like `acquire`, for a holder that asks on every pass: while its last acquisition has more than half its
   * time left it holds the lease without writing (nobody can take a lease before it expires, and the half
   * left covers clocks that differ between processes).
   */
  async hold(): Promise<boolean> {
    if (this.clock.now().getTime() < this.heldUntil - this.ttlMs / 2) return true;
    return this.acquire();
  }

  /** Takes the lease if it is free or expired, or renews it if held; true when this holder has it now. */
  async acquire(): Promise<boolean> {
    const now = this.clock.now();
    const expires = new Date(now.getTime() + this.ttlMs).toISOString();
    const row = await this.db
      .insertInto("leases")
      .values({ name: this.name, holder: this.holder, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column("name")
          .doUpdateSet({ holder: this.holder, expires_at: expires })
          .where((eb) =>
            eb.or([eb("leases.holder", "=", this.holder), eb("leases.expires_at", "<", now.toISOString())]),
          ),
      )
      .returning("holder")
      .executeTakeFirst();
    const held = row?.holder === this.holder;
    this.heldUntil = held ? now.getTime() + this.ttlMs : 0;
    return held;
  }

  /** Gives the lease up (only if this holder has it), so another process takes over at once. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.db
      .deleteFrom("leases")
      .where("name", "=", this.name)
      .where("holder", "=", this.holder)
      .execute();
  }
}
