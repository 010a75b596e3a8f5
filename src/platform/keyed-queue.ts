/**
 * Runs tasks one at a time per key, in the order they were added; tasks of different keys run at the same
 * time. A failing task rejects only its own caller, and the next task of its key still runs. Nothing is
 * kept for a key once its last task has settled.
 *
 * The inbound service uses it so that one conversation's messages are handled in the order they arrived,
 * each after the one before has committed (its reply, its pending question), not in the order their
 * lookups happen to finish.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** How many keys have a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key);
    const result = before ? before.then(task, task) : task();
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
