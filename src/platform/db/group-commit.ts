import type { Db } from "./database.js";

interface Unit {
  work: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: small write units from concurrent callers (e.g. job handlers) run together in one
 * transaction, so many callers pay for one commit instead of one each. Units queued while a group commits
 * form the next group. A caller's promise settles once the transaction holding its unit has committed,
 * with that unit's result. When a group's transaction fails, each of its units runs again alone in its own
 * transaction, so a bad unit fails only its own caller: a unit must therefore do nothing but database work
 * on the `tx` it is given (it may run twice, the first run rolled back).
 */
export class GroupCommit {
  private queue: Unit[] = [];
  private draining: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    /** Most units in one transaction. */
    private readonly maxUnits = 256,
  ) {}

  /** Runs `work` in a transaction shared with other callers' units; resolves after it commits. */
  run<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.draining || this.scheduled) return;
    this.scheduled = true;
    // Let the callers woken in this turn queue their units first.
    setImmediate(() => {
      this.scheduled = false;
      this.draining = this.drain().finally(() => {
        this.draining = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.commit(this.queue.splice(0, this.maxUnits));
  }

  private async commit(group: Unit[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (tx) => {
        const out: unknown[] = [];
        for (const unit of group) out.push(await unit.work(tx));
        return out;
      });
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // Rolled back as a whole: find the culprit by running each unit alone.
      for (const unit of group) {
        try {
          unit.resolve(await this.db.transaction().execute((tx) => unit.work(tx)));
        } catch (e) {
          unit.reject(e);
        }
      }
      return;
    }
    for (const [i, unit] of group.entries()) unit.resolve(results[i]);
  }
}
