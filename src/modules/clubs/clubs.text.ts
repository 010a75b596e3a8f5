import { fail } from "../text/amounts.js";
import type { TextCommandDef } from "../text/text-registry.js";
import type { ChatService } from "./chat.service.js";
import type { ClubsRepo } from "./clubs.repo.js";
import { MAX_CLUBS } from "./clubs.service.js";

type ClubCommand = { kind: "clubSay"; club?: string; body: string };

/**
 * `club: <message>` answers from WhatsApp/Telegram in the chat of the club whose message reached the
 * sender last (or their only club); `club <name>: <message>` picks the club by name.
 */
export function clubCommands(d: { chat: ChatService; repo: ClubsRepo }): TextCommandDef {
  return {
    name: "clubs",
    kinds: ["clubSay"],
    reserved: ["club"],
    parse: {
      stage: "keyword",
      order: 50,
      read(m) {
        if (m.verb !== "club") return undefined;
        // The message as written (not case-folded or stripped), after the first word.
        const rest = m.flat.replace(/^\S+\s*/u, "");
        const named = m.word.endsWith(":") ? undefined : /^([^:]{1,100}):\s*([\s\S]*)$/u.exec(rest);
        const body = (named ? named[2]! : rest).trim();
        if (!m.word.endsWith(":") && !named)
          return fail("missing_argument", "Write `club: your message` (or `club <name>: your message`).");
        if (body === "") return fail("missing_argument", "Say what? `club: your message`.");
        return { kind: "clubSay", body, ...(named ? { club: named[1]!.trim() } : {}) } satisfies ClubCommand;
      },
    },
    isCommand(v) {
      const c = v as Partial<ClubCommand>;
      return c.kind === "clubSay" && typeof c.body === "string";
    },
    async handle(cmd, turn) {
      const c = cmd as ClubCommand;
      const mine = await d.repo.clubsOf(turn.actor.userId, MAX_CLUBS);
      if (mine.length === 0) return { text: "You are not in a book club yet." };
      const wanted = c.club?.toLowerCase();
      const last = wanted ? undefined : await d.repo.lastDelivered(turn.actor.userId);
      const club = wanted
        ? (mine.find((x) => x.name.toLowerCase() === wanted) ??
          mine.find((x) => x.name.toLowerCase().startsWith(wanted)))
        : (mine.find((x) => x.id === last) ?? (mine.length === 1 ? mine[0] : undefined));
      if (!club)
        return {
          text: wanted
            ? `You are in no club called "${c.club}". Your clubs: ${mine.map((x) => x.name).join(", ")}.`
            : `Which club? \`club <name>: …\` — yours: ${mine.map((x) => x.name).join(", ")}.`,
        };
      await d.chat.post(turn.actor, club.id, { body: c.body }, turn.source);
      return { text: `Sent to ${club.name}.` };
    },
    help: {
      lines: [{ order: 105, line: "club: <message> — answer your book club's chat" }],
      topics: {
        club: "club: <message> answers the club whose chat reached you last; club <name>: <message> another one. Choose delivery in the app (club settings).",
      },
      aliases: { clubs: "club", chat: "club" },
    },
  };
}
