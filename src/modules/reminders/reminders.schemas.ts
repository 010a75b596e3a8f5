import { Type } from "@sinclair/typebox";
import { CHANNEL_KINDS, type ChannelKind } from "../../platform/channels/channel.js";
import { Instant } from "../../platform/http/responses.js";
import { ChannelKindSchema } from "../channels/channels.schemas.js";
import type { ScheduleRow } from "./reminders.repo.js";
import { SCHEDULE_KINDS } from "./reminders.tables.js";
import type { When } from "./schedule-time.js";

const HhMm = Type.String({
  maxLength: 5,
  description: "Wall-clock time HH:MM (00:00–23:59)",
  examples: ["08:30"],
});

export const WhenSchema = Type.Union(
  [
    Type.Object({ daily: HhMm }, { additionalProperties: false }),
    Type.Object(
      {
        weekdays: Type.Array(Type.Integer(), {
          maxItems: 7,
          description: "ISO weekdays: 1 = Monday … 7 = Sunday",
        }),
        at: HhMm,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        rrule: Type.String({
          minLength: 1,
          maxLength: 500,
          description: "An RFC 5545 rule without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=20;BYMINUTE=0",
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: "When to ask, in the schedule's time zone" },
);

const QuietHoursSchema = Type.Object(
  { from: HhMm, to: HhMm },
  {
    additionalProperties: false,
    description:
      "Nothing is sent from `from` to `to` (may cross midnight); a reminder due inside is sent at `to`",
  },
);

const fields = {
  what: SCHEDULE_KINDS.schema({
    description:
      '"pages": ask for the pages of the books being read; "review": the review digest (the first due card, how many are due, reply 1–4) — nothing is sent on a day with no card due',
  }),
  when: WhenSchema,
  timezone: Type.String({ maxLength: 64, description: "IANA zone; defaults to the user's" }),
  channels: Type.Union([Type.Array(ChannelKindSchema, { maxItems: 2 }), Type.Null()], {
    description: "Linked channels to use; null = all of them",
  }),
  quietHours: Type.Union([QuietHoursSchema, Type.Null()]),
  excludeBookIds: Type.Array(Type.String({ maxLength: 64 }), {
    maxItems: 1000,
    description: "Books this schedule never asks about (per-book opt-out)",
  }),
  pausedUntil: Type.Union([Instant, Type.Null()]),
};

export const CreateScheduleBody = Type.Object(
  {
    when: fields.when,
    what: Type.Optional(fields.what),
    timezone: Type.Optional(fields.timezone),
    channels: Type.Optional(fields.channels),
    quietHours: Type.Optional(fields.quietHours),
    excludeBookIds: Type.Optional(fields.excludeBookIds),
    pausedUntil: Type.Optional(fields.pausedUntil),
  },
  { additionalProperties: false },
);

export const UpdateScheduleBody = Type.Partial(CreateScheduleBody, { additionalProperties: false });

export const SnoozeBody = Type.Object(
  { minutes: Type.Integer({ minimum: 1, maximum: 7 * 1440 }) },
  { additionalProperties: false },
);

export const PauseBody = Type.Object(
  {
    until: Type.Optional(Instant),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false, description: "Give `until` or `days`; neither pauses with no end" },
);

export const Schedule = Type.Object({
  id: Type.String(),
  what: fields.what,
  when: WhenSchema,
  timezone: Type.String(),
  channels: fields.channels,
  quietHours: fields.quietHours,
  excludeBookIds: fields.excludeBookIds,
  pausedUntil: Type.Union([Instant, Type.Null()], {
    description: "9999-12-31T23:59:59.000Z = paused with no end",
  }),
  nextFireAt: Type.Union([Instant, Type.Null()], {
    description: "When the next reminder is sent; null = none",
  }),
  lastSlotAt: Type.Union([Instant, Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
});

export const Schedules = Type.Object({ items: Type.Array(Schedule) });

export function toSchedule(r: ScheduleRow) {
  return {
    id: r.id,
    what: r.what,
    when: JSON.parse(r.when_rule) as When,
    timezone: r.timezone,
    channels: r.channels
      ? (JSON.parse(r.channels) as unknown[]).filter((c): c is ChannelKind => CHANNEL_KINDS.is(c))
      : null,
    quietHours: r.quiet_from && r.quiet_to ? { from: r.quiet_from, to: r.quiet_to } : null,
    excludeBookIds: JSON.parse(r.exclude_book_ids) as string[],
    pausedUntil: r.paused_until,
    nextFireAt: r.next_fire_at,
    lastSlotAt: r.last_slot_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
