import type { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely, Transaction } from "kysely";
import type { CommitHook } from "./commit-hook.js";

interface UnitScope {
  tx: Transaction<unknown>;
  hooks: CommitHook[];
}

interface Unit {
  work: () => Promise<unknown>;
  resolve: (value: { result: unknown; hooks: CommitHook[] }) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: small write units from concurrent callers (e.g. webhook messages, job handlers) run
 * together in one transaction, so many callers pay for one commit instead of one each. Units queued while a
 * group commits form the next group. A caller's promise settles once the transaction holding its unit has
 * committed, with that unit's result and the after-commit hooks it registered. When a group's transaction
 * fails, each of its units runs again alone in its own transaction, so a bad unit fails only its own caller:
 * a unit must therefore do nothing but database work (it may run twice, the first run rolled back; the
 * hooks of a rolled-back run are dropped). Each unit runs with the transaction in `scope`, so the
 * repositories it calls find it (see UnitOfWork).
 */
export class GroupCommit {
  private queue: Unit[] = [];
  private draining: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    // biome-ignore lint/suspicious/noExplicitAny: any database schema
    private readonly db: Kysely<any>,
    private readonly scope: AsyncLocalStorage<UnitScope>,
    /** Most units in one transaction. */
    private readonly maxUnits = 256,
  ) {}

  /** Runs `work` in a transaction shared with other callers' units; resolves after it commits. */
  run<T>(work: () => Promise<T>): Promise<{ result: T; hooks: CommitHook[] }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as Unit["resolve"], reject });
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

  /** Runs one unit in `tx` with a fresh list of hooks. */
  private async attempt(tx: Transaction<unknown>, unit: Unit) {
    const hooks: CommitHook[] = [];
    const result = await this.scope.run({ tx, hooks }, unit.work);
    return { result, hooks };
  }

  private async commit(group: Unit[]): Promise<void> {
    let results: { result: unknown; hooks: CommitHook[] }[];
    try {
      results = await this.db.transaction().execute(async (tx) => {
        const out: { result: unknown; hooks: CommitHook[] }[] = [];
        for (const unit of group) out.push(await this.attempt(tx, unit));
        return out;
      });
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      // Rolled back as a whole (hooks dropped): find the culprit by running each unit alone.
      for (const unit of group) {
        try {
          unit.resolve(await this.db.transaction().execute((tx) => this.attempt(tx, unit)));
        } catch (e) {
          unit.reject(e);
        }
      }
      return;
    }
    for (const [i, unit] of group.entries()) unit.resolve(results[i]!);
  }
}
