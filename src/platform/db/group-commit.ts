import type { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely, Transaction } from "kysely";
import { type Collected, type CommitHook, flushCollected, mergeCollected } from "./commit-hook.js";

interface UnitScope {
  tx: Transaction<unknown>;
  hooks: CommitHook[];
  collected: Collected;
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
 * repositories it calls find it (see UnitOfWork). What the units collect (`UnitOfWork.collect`) is flushed
 * once for the whole group, in its transaction, after the last unit ran; the hooks that flush registers run
 * with the first unit's.
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

  /** Runs one unit in `tx` with a fresh list of hooks and of collected items. */
  private async attempt(tx: Transaction<unknown>, unit: Unit) {
    const hooks: CommitHook[] = [];
    const collected: Collected = new Map();
    const result = await this.scope.run({ tx, hooks, collected }, unit.work);
    return { result, hooks, collected };
  }

  /** Flushes what the units collected, in `tx` (the hooks it registers join `hooks`). */
  private async flush(tx: Transaction<unknown>, hooks: CommitHook[], all: Collected): Promise<void> {
    if (all.size > 0) await this.scope.run({ tx, hooks, collected: all }, () => flushCollected(all));
  }

  /** One unit alone in a transaction of its own, its collected items flushed in it. */
  private alone(unit: Unit) {
    return this.db.transaction().execute(async (tx) => {
      const { result, hooks, collected } = await this.attempt(tx, unit);
      await this.flush(tx, hooks, collected);
      return { result, hooks };
    });
  }

  private async commit(group: Unit[]): Promise<void> {
    let results: { result: unknown; hooks: CommitHook[] }[];
    try {
      results = await this.db.transaction().execute(async (tx) => {
        const out: { result: unknown; hooks: CommitHook[] }[] = [];
        const all: Collected = new Map();
        for (const unit of group) {
          const { result, hooks, collected } = await this.attempt(tx, unit);
          out.push({ result, hooks });
          mergeCollected(all, collected);
        }
        await this.flush(tx, out[0]!.hooks, all);
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
          unit.resolve(await this.alone(unit));
        } catch (e) {
          unit.reject(e);
        }
      }
      return;
    }
    for (const [i, unit] of group.entries()) unit.resolve(results[i]!);
  }
}
