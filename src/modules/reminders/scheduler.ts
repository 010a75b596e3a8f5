import { randomBytes } from "node:crypto";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { SqlLease } from "../../platform/lease.js";
import type { Queue } from "../../platform/queue/queue.js";
import { remindersSend } from "./reminders.jobs.js";
import type { RemindersRepo, ScheduleRow } from "./reminders.repo.js";
import { plan, timingOf } from "./reminders.service.js";
import { latestDue } from "./schedule-time.js";

export interface SchedulerOptions {
  /** How often due schedules are looked for (default 1 s). */
  tickMs?: number;
  /** How often the holder renews its lease (default 10 s). */
  renewMs?: number;
  /** How long a lease holds without renewal; after it another scheduler takes over (default 30 s). */
  leaseMs?: number;
  /** Schedules read per query (default 500). */
  batch?: number;
  /** This scheduler's name in the lease row (default host-pid-random). */
  holder?: string;
}

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const SCHEDULER_LEASE = "reminders.scheduler";

/**
 * Turns due schedules into `reminders.send` jobs. Only the holder of the `reminders.scheduler` lease acts,
 * so several processes may run the scheduler role. Each due schedule gets ONE job for its latest missed
 * slot (idempotency key `reminder:<scheduleId>:<slotIso>`), however long the downtime was, and then moves
 * to its next slot. Due schedules are taken `batch` at a time: one transaction enqueues the batch's jobs and
 * advances its schedules, so a reminder is neither lost nor enqueued twice by a crash.
 */
export class Scheduler {
  private readonly lease: SqlLease;
  private readonly tickMs: number;
  private readonly renewMs: number;
  private readonly batch: number;
  private heldUntil = 0;
  private lastRenew = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: { uow: UnitOfWork; repo: RemindersRepo; queue: Queue; clock: Clock; log?: Log },
    opts: SchedulerOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 1_000;
    this.renewMs = opts.renewMs ?? 10_000;
    this.batch = opts.batch ?? 500;
    const holder = opts.holder ?? `${process.pid}-${randomBytes(4).toString("hex")}`;
    this.lease = new SqlLease(deps.uow, SCHEDULER_LEASE, holder, deps.clock, opts.leaseMs ?? 30_000);
  }

  get holder(): string {
    return this.lease.holder;
  }

  /** True while this scheduler holds an unexpired lease (as far as it knows). */
  get isLeader(): boolean {
    return this.deps.clock.now().getTime() < this.heldUntil;
  }

  /** One round: renew or take the lease when due, then (as the leader) enqueue every due slot. Returns jobs enqueued. */
  tick(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.deps.log?.error({ err }, "scheduler round failed"));
    }, this.tickMs);
    this.timer.unref();
    void this.tick().catch((err) => this.deps.log?.error({ err }, "scheduler round failed"));
  }

  /** Stops ticking, waits for the round in progress and gives the lease up so another scheduler takes over. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
    if (this.heldUntil > 0) await this.lease.release();
    this.heldUntil = 0;
  }

  private async round(): Promise<number> {
    const now = this.deps.clock.now().getTime();
    if (!this.isLeader || now - this.lastRenew >= this.renewMs) {
      const was = this.isLeader;
      const got = await this.lease.acquire();
      this.lastRenew = now;
      // Act only within the lease we know we hold; a little margin for the time the round takes.
      this.heldUntil = got ? now + this.lease.ttlMs - 1_000 : 0;
      if (got !== was) this.deps.log?.info({ holder: this.holder, leader: got }, "scheduler lease changed");
    }
    if (!this.isLeader) return 0;
    let enqueued = 0;
    for (;;) {
      if (this.stopped || !this.isLeader) break;
      const nowDate = this.deps.clock.now();
      const rows = await this.deps.repo.due(nowDate.toISOString(), this.batch);
      if (rows.length === 0) break;
      const fired: { row: ScheduleRow; slot: string; next: ReturnType<typeof plan> }[] = [];
      for (const row of rows) {
        try {
          const slot = latestDue(timingOf(row), new Date(row.next_slot_at ?? row.next_fire_at!), nowDate);
          fired.push({ row, slot: slot.toISOString(), next: plan(row, slot) });
        } catch (err) {
          // One broken schedule must not hold up the others: it stays due and is logged each round.
          this.deps.log?.error({ err, scheduleId: row.id }, "schedule could not be planned; skipped");
        }
      }
      // The jobs and the schedules' advance commit together (the queue joins the transaction), so a crash
      // neither loses a reminder nor enqueues one twice; the keys still guard a repeated round.
      const updatedAt = nowDate.toISOString();
      const moved = await this.deps.uow.transaction(async () => {
        await this.deps.queue.enqueueMany(
          remindersSend,
          fired.map(({ row, slot }) => ({
            payload: { scheduleId: row.id, slot },
            opts: { idempotencyKey: `reminder:${row.id}:${slot}` },
          })),
        );
        return this.deps.repo.advanceMany(
          fired.map(({ row, slot, next }) => ({ row, ...next, last_slot_at: slot, updated_at: updatedAt })),
        );
      });
      enqueued += fired.length;
      if (rows.length < this.batch || moved === 0) break;
    }
    return enqueued;
  }
}
