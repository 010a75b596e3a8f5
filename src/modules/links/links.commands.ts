import { findUrls, isHttpUrl } from "../text/freeform.js";
import { flatten, hasWordChars, stripDecorations } from "../text/normalize.js";
import { shortTitle } from "../text/reply-format.js";
import { isStr } from "../text/text-command.js";
import type { TextCommandDef, TextReply, Turn } from "../text/text-registry.js";
import type { LinksService } from "./links.service.js";

/** Save links for later reading; `comment` is the rest of the message, if any. */
export type LinkCommand = { kind: "link"; urls: string[]; comment?: string };

/** Any message with an http(s) URL saves it; `save` in front is optional; the other words are the comment. */
export function parseLinks(flat: string): LinkCommand | undefined {
  const found = findUrls(flat);
  const urls = [...new Set(found.filter(isHttpUrl))];
  if (urls.length === 0) return undefined;
  let rest = flat;
  for (const u of found) rest = rest.split(u).join(" ");
  rest = stripDecorations(flatten(rest.replace(/^\s*(?:save|\/save)\b[\s:]*/iu, "")));
  return hasWordChars(rest) ? { kind: "link", urls, comment: rest } : { kind: "link", urls };
}

function isLinkCommand(v: unknown): boolean {
  const c = v as Record<string, unknown>;
  return (
    c?.kind === "link" &&
    Array.isArray(c.urls) &&
    c.urls.length > 0 &&
    c.urls.every((u) => isStr(u) && /^https?:\/\//i.test(u)) &&
    (c.comment === undefined || isStr(c.comment))
  );
}

const CHAT_CHANNELS = new Set(["whatsapp", "telegram"]);

/** Any message with an http(s) link, or `save <link>`: links saved for later reading (fetched, extracted). */
export function linkCommands(links: LinksService): TextCommandDef {
  return {
    name: "links",
    kinds: ["link"],
    reserved: ["save"],
    parse: { stage: "freeform", order: 20, read: (m) => parseLinks(m.flat) },
    isCommand: isLinkCommand,
    handle: (cmd, turn) => saveLinks(links, cmd as LinkCommand, turn),
    undo: {
      links: async (p, turn) => {
        const ids = (p as { ids?: unknown }).ids;
        let n = 0;
        for (const id of Array.isArray(ids) ? ids.filter(isStr) : [])
          n += await links.remove(turn.actor, id).then(
            () => 1,
            () => 0,
          );
        return {
          text: n
            ? `Undone: removed ${n === 1 ? "the saved link" : `${n} saved links`}.`
            : "Those links are gone already.",
        };
      },
    },
    help: { lines: [{ order: 70, line: "any link, or save <link> — read it later" }] },
  };
}

async function saveLinks(links: LinksService, cmd: LinkCommand, turn: Turn): Promise<TextReply> {
  const fresh: { id: string; url: string }[] = [];
  // A chat is told when its article is readable ("Saved: <title> — 7 min read").
  const notifyKey = CHAT_CHANNELS.has(turn.channel) ? turn.conversationKey : null;
  for (const url of new Set(cmd.urls)) {
    const saved = await links.save(turn.actor, {
      url,
      comment: cmd.comment ?? null,
      source: turn.source,
      notifyKey,
    });
    if (saved.created) fresh.push({ id: saved.link.id, url });
  }
  if (fresh.length === 0)
    return { text: cmd.urls.length === 1 ? "Already saved for later." : "Those links are already saved." };
  await turn.logUndo("links", { ids: fresh.map((r) => r.id) });
  return {
    text:
      fresh.length === 1
        ? `Saved for later: ${shortTitle(fresh[0]!.url, 80)}`
        : `Saved ${fresh.length} links for later.`,
  };
}
