interface HostState {
  active: number;
  lastStart: number;
  queue: Array<{ grant: () => void; delayed: boolean }>;
  timer?: NodeJS.Timeout;
}

import { randomBytes } from "node:crypto";
import type { Leases } from "../../platform/leases/leases.js";
import type { ModuleLog } from "../../platform/module/module.js";

/**
 * How a turn counts: `delay: false` (an article's images, fetched right after its page, as a browser showing
 * the page would) takes a turn within the host's concurrency limit but neither waits for the politeness
 * delay nor starts it; the next page of the site still waits `delayMs` after the last page's start.
 */
export interface TurnOptions {
  delay?: boolean;
}

/** Politeness towards a site: a turn to send it a request. */
export interface SiteGate {
  /** Waits for a turn at `host`; the returned function ends it (later calls do nothing). */
  acquire(host: string, signal?: AbortSignal, opts?: TurnOptions): Promise<() => void>;
  /** Runs `fn` in a turn at `host`. */
  run<T>(host: string, fn: () => Promise<T>, signal?: AbortSignal, opts?: TurnOptions): Promise<T>;
}

async function runIn<T>(
  gate: SiteGate,
  host: string,
  fn: () => Promise<T>,
  signal?: AbortSignal,
  opts?: TurnOptions,
) {
  const release = await gate.acquire(host, signal, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}

/**
 * Politeness per site, in one process: at most `concurrency` requests to a host at once, and at least
 * `delayMs` between the starts of two of them; waiters are served in arrival order. Several processes each
 * keep their own gate (a site sees at most processes × concurrency at once).
 */
export class HostGate implements SiteGate {
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly o: { concurrency: number; delayMs: number }) {}

  /** Waits for a turn at `host`; the returned function ends it (later calls do nothing). */
  acquire(host: string, signal?: AbortSignal, opts: TurnOptions = {}): Promise<() => void> {
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
        s.queue = s.queue.filter((g) => g.grant !== grant);
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
      s.queue.push({ grant, delayed: opts.delay !== false });
      this.pump(key, s);
    });
  }

  /** Runs `fn` in a turn at `host`. */
  run<T>(host: string, fn: () => Promise<T>, signal?: AbortSignal, opts?: TurnOptions): Promise<T> {
    return runIn(this, host, fn, signal, opts);
  }

  private pump(key: string, s: HostState): void {
    if (s.timer) return;
    while (s.queue.length > 0 && s.active < this.o.concurrency) {
      const next = s.queue[0] as { grant: () => void; delayed: boolean };
      const wait = next.delayed ? s.lastStart + this.o.delayMs - Date.now() : 0;
      if (wait > 0) {
        s.timer = setTimeout(() => {
          s.timer = undefined;
          this.pump(key, s);
        }, wait);
        s.timer.unref();
        return;
      }
      s.queue.shift();
      s.active++;
      if (next.delayed) s.lastStart = Date.now();
      next.grant();
    }
    // An idle host is forgotten once its delay has passed (forgetting it earlier would skip the delay).
    if (s.active === 0 && s.queue.length === 0 && Date.now() - s.lastStart >= this.o.delayMs)
      this.hosts.delete(key);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });

/**
 * Politeness per site across every process of the installation (several workers on PostgreSQL or Redis):
 * a turn holds one of `concurrency` slot leases of the host (`links.host:<host>:slot:<i>`) and, when a delay
 * is set, takes the host's start lease (`links.host:<host>:start`) for `delayMs` — which nobody can take
 * again before it runs out, so two starts at a site, from any processes, are at least `delayMs` apart. A
 * slot lease outlives its holder by at most `holdMs` (longer than any fetch may take). In front, the
 * process's own HostGate keeps its waiters in arrival order and the limits exact within the process; between
 * processes, whoever asks first once a turn is free gets it. When the lease store fails (Redis or the
 * database unreachable), turns fall back to the process's own gate and the failure is logged.
 */
export class SharedHostGate implements SiteGate {
  private readonly local: HostGate;
  private readonly id = randomBytes(6).toString("hex");
  private seq = 0;
  private lastWarn = 0;
  /** Slots being given back (awaited by `close`, so a stopping process leaves none held). */
  private readonly giving = new Set<Promise<void>>();

  constructor(
    private readonly o: {
      leases: Leases;
      concurrency: number;
      delayMs: number;
      /** How long a slot is held at most (a holder that died frees it then). */
      holdMs: number;
      log?: ModuleLog;
    },
  ) {
    this.local = new HostGate({ concurrency: o.concurrency, delayMs: o.delayMs });
  }

  async acquire(host: string, signal?: AbortSignal, opts: TurnOptions = {}): Promise<() => void> {
    const key = host.toLowerCase();
    const releaseLocal = await this.local.acquire(key, signal, opts);
    const holder = `${process.pid}-${this.id}-${++this.seq}`;
    let slot: string | null = null;
    try {
      slot = await this.takeTurn(key, holder, signal, opts.delay !== false);
    } catch (err) {
      if (signal?.aborted) {
        releaseLocal();
        throw err;
      }
      this.warn(err);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseLocal();
      if (!slot) return;
      const given: Promise<void> = this.o.leases
        .give(slot, holder)
        .catch((err) => this.warn(err))
        .finally(() => this.giving.delete(given));
      this.giving.add(given);
    };
  }

  /** Waits until every slot released so far is given back (before the lease store closes). */
  async close(): Promise<void> {
    await Promise.all([...this.giving]);
  }

  run<T>(host: string, fn: () => Promise<T>, signal?: AbortSignal, opts?: TurnOptions): Promise<T> {
    return runIn(this, host, fn, signal, opts);
  }

  /** Waits for a free slot and (with a delay, for a delayed turn) the start lease; returns the slot's name. */
  private async takeTurn(
    host: string,
    holder: string,
    signal: AbortSignal | undefined,
    delayed: boolean,
  ): Promise<string> {
    const { leases, concurrency, delayMs, holdMs } = this.o;
    const poll = Math.min(100, Math.max(10, Math.floor(delayMs / 4)));
    const first = Math.floor(Math.random() * concurrency);
    for (;;) {
      signal?.throwIfAborted();
      for (let i = 0; i < concurrency; i++) {
        const slot = `links.host:${host}:slot:${(first + i) % concurrency}`;
        if (!(await leases.take(slot, holder, holdMs))) continue;
        if (delayMs === 0 || !delayed || (await leases.take(`links.host:${host}:start`, holder, delayMs)))
          return slot;
        await leases.give(slot, holder);
        break;
      }
      await sleep(poll, signal);
    }
  }

  private warn(err: unknown): void {
    if (Date.now() - this.lastWarn < 60_000) return;
    this.lastWarn = Date.now();
    this.o.log?.warn(
      { err },
      "site politeness across processes is unavailable: this process's own limits apply",
    );
  }
}
