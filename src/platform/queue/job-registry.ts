import type { TSchema } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { type JobDef, type JobHandler, QueueError } from "./queue.js";

/** The result of one attempt, as the adapters record it. */
export type AttemptOutcome =
  | { kind: "done" }
  /** The payload does not match the declared schema: never retried. */
  | { kind: "invalid"; error: string }
  /** The handler threw or timed out: retried while attempts remain. */
  | { kind: "failed"; error: string };

const MAX_ERROR = 2000;

/** Job declarations and handlers of one process, and running one attempt; shared by every adapter. */
export class JobRegistry {
  private readonly defs = new Map<string, JobDef>();
  private readonly checks = new Map<string, TypeCheck<TSchema>>();
  private readonly handlers = new Map<string, JobHandler>();

  declare(...jobs: JobDef[]): void {
    for (const job of jobs) {
      const known = this.defs.get(job.name);
      if (known && known !== job) throw new QueueError(`job "${job.name}" is declared twice`);
      if (!known) {
        this.defs.set(job.name, job);
        this.checks.set(job.name, TypeCompiler.Compile(job.payload));
      }
    }
  }

  handle<S extends TSchema>(job: JobDef<S>, handler: JobHandler<S>): void {
    this.declare(job);
    if (this.handlers.has(job.name)) throw new QueueError(`job "${job.name}" already has a handler`);
    this.handlers.set(job.name, handler as JobHandler);
  }

  /** Every declared job. */
  all(): JobDef[] {
    return [...this.defs.values()];
  }

  get(name: string): JobDef | undefined {
    return this.defs.get(name);
  }

  /** Throws unless this exact definition was declared here. */
  requireDeclared(job: JobDef): void {
    if (this.defs.get(job.name) !== job)
      throw new QueueError(`job "${job.name}" is not declared; call queue.declare() or queue.handle() first`);
  }

  /** Throws unless `job` is declared here and `payload` matches its schema: the check every enqueue makes. */
  checkEnqueue(job: JobDef, payload: unknown): void {
    this.requireDeclared(job);
    const invalid = this.validate(job.name, payload);
    if (invalid) throw new QueueError(invalid);
  }

  /** Throws naming every declared job that has no handler. */
  assertComplete(): void {
    const missing = [...this.defs.keys()].filter((n) => !this.handlers.has(n));
    if (missing.length > 0)
      throw new QueueError(`no handler registered for declared job(s): ${missing.sort().join(", ")}`);
  }

  /** Null when the payload is valid for the job, otherwise why not (first few errors). */
  validate(name: string, payload: unknown): string | null {
    const check = this.checks.get(name);
    if (!check) return `job "${name}" is not declared in this process`;
    if (check.Check(payload)) return null;
    const errors = [...check.Errors(payload)].slice(0, 5).map((e) => `${e.path || "/"}: ${e.message}`);
    return `payload does not match the schema of job "${name}": ${errors.join("; ")}`;
  }

  /**
   * Runs one attempt: checks the payload, then the handler under the job's timeout. `stop` aborts the
   * handler's signal when the worker gives the job back. Never throws.
   */
  async run(
    name: string,
    payload: unknown,
    ctx: { id: string; attempt: number; stop?: AbortSignal },
  ): Promise<AttemptOutcome> {
    const invalid = this.validate(name, payload);
    if (invalid) return { kind: "invalid", error: invalid };
    const def = this.defs.get(name) as JobDef;
    const handler = this.handlers.get(name);
    if (!handler) return { kind: "failed", error: `job "${name}" has no handler in this process` };
    const ac = new AbortController();
    const onStop = () => ac.abort(new Error("worker stopping"));
    ctx.stop?.addEventListener("abort", onStop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<AttemptOutcome>((resolve) => {
      timer = setTimeout(() => {
        const error = `timed out after ${def.policy.timeoutMs} ms`;
        ac.abort(new Error(error));
        resolve({ kind: "failed", error });
      }, def.policy.timeoutMs);
    });
    const attempt = (async (): Promise<AttemptOutcome> => {
      try {
        await handler(payload, { id: ctx.id, attempt: ctx.attempt, signal: ac.signal });
        return { kind: "done" };
      } catch (err) {
        return { kind: "failed", error: describeError(err) };
      }
    })();
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
      ctx.stop?.removeEventListener("abort", onStop);
    }
  }
}

export function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR)}…` : text;
}
