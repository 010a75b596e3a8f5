import type { Actor } from "../../platform/access/actor.js";
import { fail, parseDuration } from "../text/amounts.js";
import { isPosInt } from "../text/text-command.js";
import type { TextCommandDef, TextReply } from "../text/text-registry.js";
import { MAX_PAUSE_DAYS, MAX_SNOOZE_MINUTES } from "./reminders.service.js";

/** Snooze length when none is given, in minutes. */
export const DEFAULT_SNOOZE_MINUTES = 60;
/** Longest reminder pause, in minutes. */
const MAX_PAUSE_MINUTES = MAX_PAUSE_DAYS * 1440;

export type ReminderCommand =
  | { kind: "snooze"; minutes: number }
  /** Pause reminders for `minutes`, or until `resume` when absent. */
  | { kind: "pauseReminders"; minutes?: number }
  | { kind: "resumeReminders" };

/** What text commands may do to the sender's reminder schedules (RemindersService implements it). */
export interface ReminderControl {
  /** Returns when the snoozed schedule asks again, or undefined when the sender has no schedule. */
  snoozeLatest(actor: Actor, minutes: number): Promise<{ next_fire_at: string | null } | undefined>;
  /** Returns how many schedules were paused (minutes undefined: with no end). */
  pauseAll(actor: Actor, minutes?: number): Promise<number>;
  resumeAll(actor: Actor): Promise<number>;
}

const REMINDERS = "(?:reminders?|alarms?|notifications?|nudges?)";
const PAUSE_REMINDERS = new RegExp(`^(?:pause|stop|mute)\\s+${REMINDERS}(?:\\s+(.*))?$`, "iu");
const RESUME_REMINDERS = new RegExp(`^(?:resume|unpause|unmute)(?:\\s+${REMINDERS})?$`, "iu");

const span = (minutes: number) =>
  minutes % 1440 === 0
    ? `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`
    : minutes % 60 === 0
      ? `${minutes / 60} hour${minutes === 60 ? "" : "s"}`
      : `${minutes} minute${minutes === 1 ? "" : "s"}`;

/** `snooze 30m`, `pause reminders 3d`, `resume`: the reminders module's text commands. */
export function reminderCommands(reminders: ReminderControl): TextCommandDef {
  return {
    name: "reminders",
    kinds: ["snooze", "pauseReminders", "resumeReminders"],
    exact: {
      resume: { kind: "resumeReminders" },
      snooze: { kind: "snooze", minutes: DEFAULT_SNOOZE_MINUTES },
    },
    reserved: ["snooze", "resume", "pause", "paused"],
    parse: {
      stage: "keyword",
      // Before shelf moves: `pause reminders` and `pause 3d` are not a book; `pause dune` is.
      order: 100,
      read(m) {
        if (RESUME_REMINDERS.test(m.lower)) return { kind: "resumeReminders" };
        if (m.verb === "snooze") {
          const minutes = parseDuration(m.rest);
          if (minutes === undefined)
            return fail("missing_argument", "Snooze for how long? e.g. `snooze 30m`, `snooze 2 hours`.");
          if (minutes > MAX_SNOOZE_MINUTES)
            return fail("out_of_range", "Snooze for at most 7 days, or `pause reminders`.");
          return { kind: "snooze", minutes };
        }
        const paused = PAUSE_REMINDERS.exec(m.core);
        const pauseFor = paused ? (paused[1] ?? "") : m.verb === "pause" ? m.rest : undefined;
        if (pauseFor === undefined) return undefined;
        const minutes = parseDuration(pauseFor);
        if (paused && pauseFor === "") return { kind: "pauseReminders" };
        if (paused && minutes === undefined)
          return fail(
            "missing_argument",
            "Pause for how long? e.g. `pause reminders 3d`, `pause reminders 1 week`.",
          );
        if (minutes !== undefined) {
          if (minutes > MAX_PAUSE_MINUTES)
            return fail("out_of_range", "Pause reminders for at most 365 days.");
          return { kind: "pauseReminders", minutes };
        }
        if (m.rest === "")
          return fail("missing_argument", "Pause what? `pause <title>` or `pause reminders 3d`.");
        return undefined;
      },
    },
    isCommand(v) {
      const c = v as Partial<ReminderCommand> & { minutes?: unknown };
      if (c.kind === "snooze") return isPosInt(c.minutes);
      if (c.kind === "pauseReminders") return c.minutes === undefined || isPosInt(c.minutes);
      return c.kind === "resumeReminders";
    },
    handle: (cmd, turn) => reminderReply(reminders, turn.actor, cmd as ReminderCommand),
    help: {
      lines: [{ order: 100, line: "snooze 1h · pause reminders 3d · resume — reminders" }],
      topics: { reminders: "snooze 30m / 1h / 2 hours · pause reminders 3d / 1 week · resume." },
      aliases: { reminder: "reminders", snooze: "reminders" },
    },
  };
}

/** Acts on the sender's schedules and says what changed. */
async function reminderReply(
  reminders: ReminderControl,
  actor: Actor,
  cmd: ReminderCommand,
): Promise<TextReply> {
  const none = { text: "You have no reminders yet. Create one in the app or with POST /api/schedules." };
  switch (cmd.kind) {
    case "snooze": {
      const row = await reminders.snoozeLatest(actor, cmd.minutes);
      return row ? { text: `Snoozed: I'll ask again in ${span(cmd.minutes)}.` } : none;
    }
    case "pauseReminders": {
      const n = await reminders.pauseAll(actor, cmd.minutes);
      if (n === 0) return none;
      return {
        text:
          cmd.minutes === undefined
            ? "Reminders paused until you send `resume`."
            : `Reminders paused for ${span(cmd.minutes)}. Send \`resume\` to get them back sooner.`,
      };
    }
    case "resumeReminders": {
      const n = await reminders.resumeAll(actor);
      return n === 0 ? none : { text: "Reminders are back on." };
    }
  }
}
