import type { ChannelKind } from "../../platform/channels/channel.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import type { EventSubscriber } from "../../platform/events/event-relay.js";
import type { ChatRepo } from "./chat.repo.js";
import { clubMessagePosted } from "./chat.service.js";
import type { ClubsRepo } from "./clubs.repo.js";

/** Longest excerpt of a message sent to a channel. */
const EXCERPT = 1_000;

/**
 * Sends each new chat message to the WhatsApp/Telegram of the members who chose it (not its author), once
 * per message and member (the outbox's key), and remembers the club as the one a bare `club: …` answers.
 * It reads the message when it runs: one deleted meanwhile is not sent.
 */
export function chatDelivery(d: {
  uow: UnitOfWork;
  chat: ChatRepo;
  clubs: ClubsRepo;
  clock: Clock;
  channels: {
    notify(
      ownerId: string,
      text: string,
      opts: { idempotencyKey: string; kind?: ChannelKind },
    ): Promise<string[]>;
  };
}): EventSubscriber {
  return {
    name: "club-chat-delivery",
    events: [clubMessagePosted.name],
    async handle(event) {
      const { clubId, messageId } = event.payload as { clubId: string; messageId: string };
      const [message, club] = await Promise.all([d.chat.byId(messageId), d.clubs.byId(clubId)]);
      if (!message || !club || message.deleted_at) return;
      const to = await d.clubs.deliveredTo(clubId, message.author_id);
      if (to.length === 0) return;
      const body = message.body.length > EXCERPT ? `${message.body.slice(0, EXCERPT)}…` : message.body;
      const text = `${club.name} · ${message.author_name ?? "someone"}: ${body}\n(answer with "club: …")`;
      const now = d.clock.now().toISOString();
      await d.uow.transaction(async () => {
        for (const m of to) {
          const kind = m.deliver_chat === "all" ? undefined : m.deliver_chat;
          const sent = await d.channels.notify(m.user_id, text, {
            idempotencyKey: `club:${messageId}:${m.user_id}`,
            ...(kind ? { kind } : {}),
          });
          if (sent.length > 0) await d.clubs.updateMember(clubId, m.user_id, { delivered_at: now });
        }
      });
    },
  };
}
