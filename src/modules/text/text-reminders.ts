import type { ReminderControl, TextReply } from "./text.service.js";
import type { TextCommand } from "./text-command.js";

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
  userId: string,
  cmd: ReminderCommand,
): Promise<TextReply> {
  if (!reminders) return { text: "Reminders are not available on this server." };
  const none = { text: "You have no reminders yet. Create one in the app or with POST /api/schedules." };
  switch (cmd.kind) {
    case "snooze": {
      const row = await reminders.snoozeLatest(userId, cmd.minutes);
      return row ? { text: `Snoozed: I'll ask again in ${span(cmd.minutes)}.` } : none;
    }
    case "pauseReminders": {
      const n = await reminders.pauseAll(userId, cmd.minutes);
      if (n === 0) return none;
      return {
        text:
          cmd.minutes === undefined
            ? "Reminders paused until you send `resume`."
            : `Reminders paused for ${span(cmd.minutes)}. Send \`resume\` to get them back sooner.`,
      };
    }
    case "resumeReminders": {
      const n = await reminders.resumeAll(userId);
      return n === 0 ? none : { text: "Reminders are back on." };
    }
  }
}
