/**
 * Named leases shared by every process of an installation: `take` succeeds for one holder at a time until
 * the lease is given back or its time runs out (so a holder that dies frees it by itself). Used where a
 * limit must hold across processes (e.g. politeness towards one site). Adapters: Redis (`SET NX PX`) when
 * REDIS_URL is set, else the SQL `leases` table.
 */
export interface Leases {
  /** Takes `name` for `holder` for `ttlMs` if nobody holds it; true when taken. */
  take(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives `name` back if `holder` still holds it. */
  give(name: string, holder: string): Promise<void>;
  close(): Promise<void>;
}
