/** What runs after a commit: synchronous work, or a promise the committing caller waits for. */
export type CommitHook = () => void | Promise<void>;

/**
 * Work gathered over a transaction and done once, inside it, just before it commits (see
 * `UnitOfWork.collect`): e.g. the send jobs of every message a transaction queued, as one job row. `flush`
 * runs in the transaction with every item collected there (by every unit of a group commit, in order); if
 * it throws, the transaction rolls back. It may be called again for the same items after a rollback.
 */
export interface Collector<I> {
  flush(items: I[]): Promise<void>;
}

/** Items collected in one scope, by collector, in collection order. */
export type Collected = Map<Collector<unknown>, unknown[]>;

/** Appends `from`'s items to `into`'s, collector by collector. */
export function mergeCollected(into: Collected, from: Collected): void {
  for (const [c, items] of from) {
    const list = into.get(c);
    if (list) list.push(...items);
    else into.set(c, [...items]);
  }
}

/** Flushes every collector of `collected` (and what their flushes collect in turn), emptying it. */
export async function flushCollected(collected: Collected): Promise<void> {
  while (collected.size > 0) {
    const batch = [...collected];
    collected.clear();
    for (const [c, items] of batch) await c.flush(items);
  }
}
