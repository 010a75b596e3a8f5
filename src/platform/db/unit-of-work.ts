import { AsyncLocalStorage } from "node:async_hooks";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DbKind } from "./database.js";
import { GroupCommit } from "./group-commit.js";

// biome-ignore lint/suspicious/noExplicitAny: the unit of work serves every module's tables
type AnyDb = Kysely<any>;

import {
  type Collected,
  type Collector,
  type CommitHook,
  flushCollected,
  mergeCollected,
} from "./commit-hook.js";

export type { Collector, CommitHook };

/** One open transaction as seen from one unit of work (several units may share a transaction: group commit). */
interface Scope {
  tx: Transaction<unknown>;
  /** Hooks of this unit; run after its transaction commits, dropped if it rolls back. */
  hooks: CommitHook[];
  /** Items of `collect`, flushed just before the transaction commits, dropped if it rolls back. */
  collected: Collected;
}

interface Log {
  error(obj: object, msg: string): void;
}

/** Where repositories run their queries: the current transaction, or the database itself outside one. */
export interface DbScope {
  /** The current transaction's handle, else the database. Read it at each query, never keep it. */
  readonly db: AnyDb;
  readonly kind: DbKind;
}

/**
 * The unit of work: a transaction held in AsyncLocalStorage. Code running inside `transaction(fn)` — however
 * deeply nested, through any service or repository — finds the transaction through `db`, and a nested
 * `transaction` joins it instead of opening another; only the outermost one commits. `afterCommit` hooks
 * run once that commit has happened, never after a rollback.
 *
 * On SQLite (one connection, transactions one at a time) `grouped` lets concurrent callers share one
 * transaction and one commit; a unit whose group rolled back runs again alone, and the hooks registered by
 * the rolled-back attempt are dropped with it.
 */
export class UnitOfWork implements DbScope {
  private readonly als = new AsyncLocalStorage<Scope>();
  private readonly group: GroupCommit | undefined;
  private savepoints = 0;

  constructor(
    readonly root: AnyDb,
    readonly kind: DbKind,
    private readonly opts: { log?: Log; groupCommit?: boolean } = {},
  ) {
    this.group = (opts.groupCommit ?? kind === "sqlite") ? new GroupCommit(root, this.als) : undefined;
  }

  get db(): AnyDb {
    return (this.als.getStore()?.tx as AnyDb | undefined) ?? this.root;
  }

  /** Whether the caller runs inside a transaction. */
  get active(): boolean {
    return this.als.getStore() !== undefined;
  }

  /** Runs `fn` in the current transaction, or in a new one that commits when `fn` resolves (rolls back if it throws). */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.als.getStore()) return fn();
    const hooks: CommitHook[] = [];
    const collected: Collected = new Map();
    const result = await this.root.transaction().execute((tx) =>
      this.als.run({ tx, hooks, collected }, async () => {
        const r = await fn();
        await flushCollected(collected);
        return r;
      }),
    );
    await this.runHooks(hooks);
    return result;
  }

  /**
   * As `transaction`, but a new transaction may be shared with other callers' units (group commit on SQLite;
   * elsewhere a transaction of its own). `fn` must do nothing but database work and `afterCommit`: it may run
   * twice, the first run rolled back.
   */
  async grouped<T>(fn: () => Promise<T>): Promise<T> {
    if (this.als.getStore() || !this.group) return this.transaction(fn);
    const { result, hooks } = await this.group.run(fn);
    await this.runHooks(hooks);
    return result;
  }

  /**
   * Runs `fn` so that, if it throws, exactly its own writes are undone (a SAVEPOINT inside the current
   * transaction; a transaction of its own outside one) and the after-commit hooks it registered are
   * dropped, while the surrounding unit goes on. Rethrows what `fn` threw.
   */
  async savepoint<T>(fn: () => Promise<T>): Promise<T> {
    const scope = this.als.getStore();
    if (!scope) return this.transaction(fn);
    const name = sql.raw(`rl_sp_${++this.savepoints}`);
    await sql`savepoint ${name}`.execute(scope.tx);
    const hooks: CommitHook[] = [];
    const collected: Collected = new Map();
    let result: T;
    try {
      result = await this.als.run({ tx: scope.tx, hooks, collected }, fn);
    } catch (err) {
      await sql`rollback to savepoint ${name}`.execute(scope.tx);
      await sql`release savepoint ${name}`.execute(scope.tx);
      throw err;
    }
    await sql`release savepoint ${name}`.execute(scope.tx);
    scope.hooks.push(...hooks);
    mergeCollected(scope.collected, collected);
    return result;
  }

  /**
   * Gives `item` to `collector`, whose `flush` runs once, inside the current transaction, just before it
   * commits, with every item collected there (by every unit of a group commit; a rolled-back savepoint's
   * items are dropped with it): many small writes of one kind become one. Outside a transaction the item is
   * flushed at once in a transaction of its own.
   */
  async collect<I>(collector: Collector<I>, item: I): Promise<void> {
    const scope = this.als.getStore();
    if (!scope) return this.transaction(() => collector.flush([item]));
    const c = collector as Collector<unknown>;
    const list = scope.collected.get(c);
    if (list) list.push(item);
    else scope.collected.set(c, [item]);
  }

  /**
   * Runs `fn` after the outermost transaction commits (in registration order; a failing hook is logged and
   * does not stop the others). Outside a transaction there is nothing to wait for: it runs now.
   */
  afterCommit(fn: CommitHook): void {
    const scope = this.als.getStore();
    if (scope) scope.hooks.push(fn);
    else void this.runHooks([fn]);
  }

  /**
   * Runs `fn` with no transaction in scope. For background work started from inside a unit (a timer, a
   * wake-up) that must run later on its own instead of inheriting a transaction that will have ended. Never
   * await it inside a transaction on SQLite: its queries wait for that transaction's connection.
   */
  outside<T>(fn: () => T): T {
    return this.als.exit(fn);
  }

  private async runHooks(hooks: CommitHook[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook();
      } catch (err) {
        this.opts.log?.error({ err }, "after-commit hook failed");
      }
    }
  }
}
