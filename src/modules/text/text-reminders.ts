import type { Actor } from "../../platform/access/actor.js";
import type { TextCommand } from "./text-command.js";

/** What text commands may do to the sender's reminder schedules (RemindersService implements it). */
export interface ReminderControl {
  /** Returns when the snoozed schedule asks again, or undefined when the sender has no schedule. */
  snoozeLatest(actor: Actor, minutes: number): Promise<{ next_fire_at: string | null } | undefined>;
  /** Returns how many schedules were paused (minutes undefined: with no end). */
  pauseAll(actor: Actor, minutes?: number): Promise<number>;
  resumeAll(actor: Actor): Promise<number>;
}

type ReminderCommand = Extract<TextCommand, { kind: "snooze" | "pauseReminders" | "resumeReminders" }>;

const span = (minutes: number) =>
  minutes % 1440 === 0
    ? `${minutes / 1440} day${minutes === 1440 ? "" : "s"}`
    : minutes % 60 === 0
      ? `${minutes / 60} hour${minutes === 60 ? "" : "s"}`
      : `${minutes} minute${minutes === 1 ? "" : "s"}`;

/** `snooze 1h`, `pause reminders 3d`, `resume`: acts on the sender's schedules and says what changed. */
export async function reminderReply(
  reminders: ReminderControl | undefined,
  actor: Actor,
  cmd: ReminderCommand,
): Promise<{ text: string }> {
  if (!reminders) return { text: "Reminders are not available on this server." };
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
