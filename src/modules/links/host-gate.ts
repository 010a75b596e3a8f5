interface HostState {
  active: number;
  lastStart: number;
  queue: Array<() => void>;
  timer?: NodeJS.Timeout;
}

/**
 * Politeness per site, in one process: at most `concurrency` requests to a host at once, and at least
 * `delayMs` between the starts of two of them; waiters are served in arrival order. Several processes each
 * keep their own gate (a site sees at most processes × concurrency at once).
 */
export class HostGate {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly o: { concurrency: number; delayMs: number }) {}

  /** Waits for a turn at `host`; the returned function ends it (later calls do nothing). */
  acquire(host: string, signal?: AbortSignal): Promise<() => void> {
    const key = host.toLowerCase();
    let state = this.hosts.get(key);
    if (!state) {
      state = { active: 0, lastStart: Number.NEGATIVE_INFINITY, queue: [] };
      this.hosts.set(key, state);
    }
    const s = state;
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const abort = () => {
        s.queue = s.queue.filter((g) => g !== grant);
        reject(signal?.reason);
        this.pump(key, s);
      };
      const grant = () => {
        signal?.removeEventListener("abort", abort);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          s.active--;
          this.pump(key, s);
        });
      };
      signal?.addEventListener("abort", abort, { once: true });
      s.queue.push(grant);
      this.pump(key, s);
    });
  }

  /** Runs `fn` in a turn at `host`. */
  async run<T>(host: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(host, signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private pump(key: string, s: HostState): void {
    if (s.timer) return;
    while (s.queue.length > 0 && s.active < this.o.concurrency) {
      const wait = s.lastStart + this.o.delayMs - Date.now();
      if (wait > 0) {
        s.timer = setTimeout(() => {
          s.timer = undefined;
          this.pump(key, s);
        }, wait);
        s.timer.unref();
        return;
      }
      const grant = s.queue.shift() as () => void;
      s.active++;
      s.lastStart = Date.now();
      grant();
    }
    // An idle host is forgotten once its delay has passed (forgetting it earlier would skip the delay).
    if (s.active === 0 && s.queue.length === 0 && Date.now() - s.lastStart >= this.o.delayMs)
      this.hosts.delete(key);
  }
}
