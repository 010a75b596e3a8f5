import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { ProgressTables } from "../progress/progress.tables.js";
import type { Instant } from "../users/users.tables.js";

/** What a schedule sends: a prompt for pages, or the review digest. */
export const SCHEDULE_KINDS = enumeration(["pages", "review"]);
export type ScheduleKind = EnumValue<typeof SCHEDULE_KINDS>;

export interface SchedulesTable {
  id: string;
  owner_id: string;
  what: ScheduleKind;
  /** JSON: { daily: "HH:MM" } | { weekdays: number[], at: "HH:MM" } | { rrule: "FREQ=…" }. */
  when_rule: string;
  timezone: string;
  /** JSON array of channel kinds; null = every linked channel. */
  channels: string | null;
  quiet_from: string | null;
  quiet_to: string | null;
  /** JSON array of book ids this schedule never asks about. */
  exclude_book_ids: string;
  paused_until: Instant | null;
  /** The nominal slot that fires next (part of the job's idempotency key); null = no more slots. */
  next_slot_at: Instant | null;
  /** When that slot is delivered (after quiet hours, or a snooze). */
  next_fire_at: Instant | null;
  last_slot_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

/** The reminders module's table, with the books and progress tables its reads join. */
export interface RemindersTables extends ProgressTables {
  schedules: SchedulesTable;
}
