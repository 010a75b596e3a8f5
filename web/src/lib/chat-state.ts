/** The club chat as the page holds it: messages (oldest first), who is here, who types, unread. */
import type { ChatMessage } from "./clubs";

export interface ChatState {
  messages: ChatMessage[];
  more: boolean;
  present: string[];
  typing: Record<string, number>;
  unread: number;
}

export type ChatAction =
  | {
      type: "joined";
      history: { items: ChatMessage[]; more: boolean };
      present: string[];
      unread: number;
      catchUp: boolean;
    }
  | { type: "older"; items: ChatMessage[]; more: boolean }
  | { type: "message"; message: ChatMessage; mine: boolean }
  | { type: "edited"; messageId: string; body: string; editedAt: string }
  | { type: "deleted"; messageId: string }
  | { type: "reaction"; messageId: string; emoji: string; userId: string; add: boolean }
  | { type: "presence"; userId: string; online: boolean }
  | { type: "typing"; userId: string; at: number }
  | { type: "unread"; unread: number };

export const EMPTY_CHAT: ChatState = { messages: [], more: false, present: [], typing: {}, unread: 0 };

/** How long someone shows as typing after their last key. */
export const TYPING_MS = 4000;

function merge(a: ChatMessage[], b: ChatMessage[]): ChatMessage[] {
  const byId = new Map(a.map((m) => [m.id, m]));
  for (const m of b) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) =>
    x.createdAt === y.createdAt ? (x.id < y.id ? -1 : 1) : x.createdAt < y.createdAt ? -1 : 1,
  );
}

const update = (s: ChatState, id: string, f: (m: ChatMessage) => ChatMessage): ChatState => ({
  ...s,
  messages: s.messages.map((m) => (m.id === id ? f(m) : m)),
});

export function chatReducer(s: ChatState, a: ChatAction): ChatState {
  switch (a.type) {
    case "joined":
      return {
        ...s,
        messages: a.catchUp ? merge(s.messages, a.history.items) : a.history.items,
        more: a.catchUp ? s.more : a.history.more,
        present: a.present,
        unread: a.unread,
      };
    case "older":
      return { ...s, messages: merge(a.items, s.messages), more: a.more };
    case "message": {
      const typing = { ...s.typing };
      if (a.message.authorId) delete typing[a.message.authorId];
      return {
        ...s,
        messages: merge(s.messages, [a.message]),
        typing,
        unread: a.mine ? s.unread : s.unread + 1,
      };
    }
    case "edited":
      return update(s, a.messageId, (m) => ({ ...m, body: a.body, editedAt: a.editedAt }));
    case "deleted":
      return update(s, a.messageId, (m) => ({
        ...m,
        body: "",
        deletedAt: m.deletedAt ?? new Date().toISOString(),
        reactions: [],
      }));
    case "reaction":
      return update(s, a.messageId, (m) => {
        const others = m.reactions.filter((r) => r.emoji !== a.emoji);
        const users = new Set(m.reactions.find((r) => r.emoji === a.emoji)?.userIds ?? []);
        if (a.add) users.add(a.userId);
        else users.delete(a.userId);
        return {
          ...m,
          reactions: users.size ? [...others, { emoji: a.emoji, userIds: [...users] }] : others,
        };
      });
    case "presence": {
      const present = new Set(s.present);
      if (a.online) present.add(a.userId);
      else present.delete(a.userId);
      return { ...s, present: [...present] };
    }
    case "typing":
      return { ...s, typing: { ...s.typing, [a.userId]: a.at } };
    case "unread":
      return { ...s, unread: a.unread };
  }
}

/** Who is typing now (their last key less than TYPING_MS ago), not counting `me`. */
export const typingNow = (s: ChatState, me: string, now: number) =>
  Object.entries(s.typing)
    .filter(([id, at]) => id !== me && now - at < TYPING_MS)
    .map(([id]) => id);
