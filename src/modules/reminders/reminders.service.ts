import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { ChannelKind } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { invalidField, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import type { RemindersRepo, ScheduleRow } from "./reminders.repo.js";
import { SCHEDULE_KINDS, type ScheduleKind } from "./reminders.tables.js";
import {
  checkQuiet,
  checkWhen,
  checkZone,
  fireAt,
  nextSlot,
  type QuietHours,
  type Timing,
  type When,
} from "./schedule-time.js";

/** `paused_until` of a schedule paused with no end (`pause reminders` without a length). */
export const FOREVER = "9999-12-31T23:59:59.000Z";
/** Longest snooze, and longest pause, in minutes (the text parser's limits). */
export const MAX_SNOOZE_MINUTES = 7 * 1440;
export const MAX_PAUSE_DAYS = 365;

export interface ScheduleInput {
  what?: ScheduleKind;
  when: When;
  timezone?: string;
  channels?: ChannelKind[] | null;
  quietHours?: QuietHours | null;
  excludeBookIds?: string[];
  pausedUntil?: string | null;
}

export function timingOf(row: ScheduleRow): Timing {
  return {
    when: JSON.parse(row.when_rule) as When,
    zone: row.timezone,
    quiet: row.quiet_from && row.quiet_to ? { from: row.quiet_from, to: row.quiet_to } : null,
    createdAt: new Date(row.created_at),
  };
}

/** The next slot after `after` (never inside a pause) and when it is delivered. */
export function plan(row: ScheduleRow, after: Date) {
  const paused = row.paused_until;
  if (paused === FOREVER) return { next_slot_at: null, next_fire_at: null };
  const from = paused && Date.parse(paused) > after.getTime() ? new Date(paused) : after;
  const timing = timingOf(row);
  const slot = nextSlot(timing, from);
  return slot
    ? { next_slot_at: slot.toISOString(), next_fire_at: fireAt(timing, slot).toISOString() }
    : { next_slot_at: null, next_fire_at: null };
}

/** Reminder schedules: validation, next-fire computation, snooze, pause and resume. */
export class RemindersService {
  private readonly repo: RemindersRepo;
  private readonly clock: Clock;

  constructor(
    private readonly d: {
      uow: UnitOfWork;
      repo: RemindersRepo;
      clock: Clock;
      access: AccessControl;
      /** The channels this server has configured: a schedule may name only those. */
      configuredChannels: () => readonly ChannelKind[];
    },
  ) {
    this.repo = d.repo;
    this.clock = d.clock;
  }

  list(actor: Actor): Promise<ScheduleRow[]> {
    return this.repo.list(actor.userId);
  }

  /** The actor's schedule; 404 when they may not `action` it. */
  async get(actor: Actor, id: string, action = "schedule.read"): Promise<ScheduleRow> {
    const row = await this.repo.byId(actor.userId, id);
    if (!row) throw notFound("Schedule");
    await this.d.access.require(actor, action, id, [{ id, ownerId: row.owner_id }]);
    return row;
  }

  async create(actor: Actor, input: ScheduleInput): Promise<ScheduleRow> {
    requireScope(actor, "write");
    const ownerId = actor.userId;
    const now = this.clock.now();
    const zone = input.timezone ?? actor.timezone;
    const row: ScheduleRow = {
      id: newId(now.getTime()),
      owner_id: ownerId,
      what: input.what ?? "pages",
      when_rule: "",
      timezone: "",
      channels: null,
      quiet_from: null,
      quiet_to: null,
      exclude_book_ids: "[]",
      paused_until: null,
      next_slot_at: null,
      next_fire_at: null,
      last_slot_at: null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await this.apply(row, { ...input, timezone: zone });
    Object.assign(row, plan(row, now));
    await this.repo.insert(row);
    return row;
  }

  async update(actor: Actor, id: string, patch: Partial<ScheduleInput>): Promise<ScheduleRow> {
    const row = await this.get(actor, id, "schedule.update");
    await this.apply(row, patch);
    return this.save(row);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const row = await this.get(actor, id, "schedule.update");
    await this.repo.delete(row.owner_id, id);
  }

  /** Asks again `minutes` from now; regular slots before then are skipped. */
  async snooze(actor: Actor, id: string, minutes: number): Promise<ScheduleRow> {
    const row = await this.get(actor, id, "schedule.update");
    return this.snoozeRow(row, minutes);
  }

  /** Pauses until an instant, or for whole days from now; neither: with no end. */
  async pause(actor: Actor, id: string, by: { until?: string; days?: number }): Promise<ScheduleRow> {
    const row = await this.get(actor, id, "schedule.update");
    if (by.until !== undefined && by.days !== undefined)
      throw invalidField("days", "one-of", "give until or days, not both");
    const now = this.clock.now().getTime();
    const until = by.until ? new Date(by.until) : by.days ? new Date(now + by.days * 86_400_000) : null;
    if (until && until.getTime() <= now) throw invalidField("until", "future", "until must be in the future");
    row.paused_until = until ? until.toISOString() : FOREVER;
    return this.save(row);
  }

  async resume(actor: Actor, id: string): Promise<ScheduleRow> {
    const row = await this.get(actor, id, "schedule.update");
    row.paused_until = null;
    return this.save(row);
  }

  // --- text commands: they act on the sender's schedules as a whole -----------------------------------

  /** `snooze 1h`: the schedule that asked last (or the next one due) asks again later. */
  async snoozeLatest(actor: Actor, minutes: number): Promise<ScheduleRow | undefined> {
    requireScope(actor, "write");
    const rows = await this.repo.list(actor.userId);
    const asked = rows
      .filter((r) => r.last_slot_at)
      .sort((a, b) => (a.last_slot_at! < b.last_slot_at! ? 1 : -1))[0];
    const target =
      asked ??
      rows.filter((r) => r.next_fire_at).sort((a, b) => (a.next_fire_at! < b.next_fire_at! ? -1 : 1))[0];
    return target ? this.snoozeRow(target, minutes) : undefined;
  }

  /** `pause reminders [3d]`: every schedule of the sender. Returns how many. */
  async pauseAll(actor: Actor, minutes?: number): Promise<number> {
    requireScope(actor, "write");
    const rows = await this.repo.list(actor.userId);
    const until = minutes ? new Date(this.clock.now().getTime() + minutes * 60_000).toISOString() : FOREVER;
    for (const row of rows) {
      row.paused_until = until;
      await this.save(row);
    }
    return rows.length;
  }

  /** `resume`: every paused or snoozed schedule of the sender. Returns how many. */
  async resumeAll(actor: Actor): Promise<number> {
    requireScope(actor, "write");
    const rows = await this.repo.list(actor.userId);
    for (const row of rows) {
      row.paused_until = null;
      await this.save(row);
    }
    return rows.length;
  }

  private async snoozeRow(row: ScheduleRow, minutes: number): Promise<ScheduleRow> {
    if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_SNOOZE_MINUTES))
      throw invalidField(
        "minutes",
        "range",
        `minutes must be a whole number from 1 to ${MAX_SNOOZE_MINUTES}`,
      );
    const at = new Date(this.clock.now().getTime() + minutes * 60_000).toISOString();
    row.paused_until = null;
    row.next_slot_at = at;
    row.next_fire_at = at;
    row.updated_at = this.clock.now().toISOString();
    await this.repo.update(row.owner_id, row.id, row);
    return row;
  }

  private async save(row: ScheduleRow): Promise<ScheduleRow> {
    const now = this.clock.now();
    Object.assign(row, plan(row, now), { updated_at: now.toISOString() });
    await this.repo.update(row.owner_id, row.id, row);
    return row;
  }

  /** Validates and copies the given fields onto the row; problems name the failing field. */
  private async apply(row: ScheduleRow, input: Partial<ScheduleInput>): Promise<void> {
    if (input.what !== undefined) {
      if (!SCHEDULE_KINDS.is(input.what))
        throw invalidField("what", "enum", 'what must be "pages" or "review"');
      row.what = input.what;
    }
    if (input.when !== undefined) row.when_rule = JSON.stringify(checkWhen(input.when));
    if (input.timezone !== undefined) row.timezone = checkZone(input.timezone);
    if (input.channels !== undefined) {
      if (input.channels !== null && input.channels.length === 0)
        throw invalidField(
          "channels",
          "min-items",
          "channels must name at least one channel, or be null for all",
        );
      const configured = this.d.configuredChannels();
      const missing = input.channels?.find((c) => !configured.includes(c));
      if (missing)
        throw invalidField(
          "channels",
          "configured",
          `${missing} is not configured on this server (configured: ${configured.join(", ") || "none"})`,
        );
      row.channels = input.channels === null ? null : JSON.stringify([...new Set(input.channels)].sort());
    }
    if (input.quietHours !== undefined) {
      const q = input.quietHours === null ? null : checkQuiet(input.quietHours);
      row.quiet_from = q?.from ?? null;
      row.quiet_to = q?.to ?? null;
    }
    if (input.excludeBookIds !== undefined) {
      const ids = [...new Set(input.excludeBookIds)];
      const own = await this.repo.ownBookIds(row.owner_id, ids);
      const unknown = ids.find((i) => !own.has(i));
      if (unknown) throw invalidField("excludeBookIds", "own-book", `excludeBookIds: no book ${unknown}`);
      row.exclude_book_ids = JSON.stringify(ids);
    }
    if (input.pausedUntil !== undefined) {
      if (input.pausedUntil !== null && Date.parse(input.pausedUntil) <= this.clock.now().getTime())
        throw invalidField("pausedUntil", "future", "pausedUntil must be in the future, or null");
      row.paused_until = input.pausedUntil === null ? null : new Date(input.pausedUntil).toISOString();
    }
  }
}
