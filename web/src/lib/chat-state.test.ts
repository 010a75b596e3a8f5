import { describe, expect, it } from "vitest";
import { chatReducer, EMPTY_CHAT, TYPING_MS, typingNow } from "./chat-state";
import type { ChatMessage } from "./clubs";

const msg = (id: string, authorId: string, at: string): ChatMessage => ({
  id,
  clubId: "c1",
  authorId,
  authorName: authorId,
  body: `hello ${id}`,
  replyToId: null,
  mentions: [],
  source: "web",
  createdAt: at,
  editedAt: null,
  deletedAt: null,
  reactions: [],
});

describe("chatReducer", () => {
  it("merges a catch-up after a reconnect with what it held, once per message, in time order", () => {
    let s = chatReducer(EMPTY_CHAT, {
      type: "joined",
      history: { items: [msg("m1", "a", "2026-01-01T10:00:00Z")], more: true },
      present: ["a"],
      unread: 0,
      catchUp: false,
    });
    s = chatReducer(s, { type: "message", message: msg("m2", "b", "2026-01-01T10:01:00Z"), mine: false });
    s = chatReducer(s, {
      type: "joined",
      history: {
        items: [msg("m2", "b", "2026-01-01T10:01:00Z"), msg("m3", "b", "2026-01-01T10:02:00Z")],
        more: false,
      },
      present: ["a", "b"],
      unread: 2,
      catchUp: true,
    });
    expect(s.messages.map((m) => m.id)).toEqual(["m1", "m2", "m3"]);
    expect(s).toMatchObject({ more: true, present: ["a", "b"], unread: 2 });
  });

  it("applies edits, deletions, reactions, presence and typing", () => {
    let s = chatReducer(EMPTY_CHAT, {
      type: "message",
      message: msg("m1", "a", "2026-01-01T10:00:00Z"),
      mine: false,
    });
    expect(s.unread).toBe(1);
    s = chatReducer(s, {
      type: "edited",
      messageId: "m1",
      body: "changed",
      editedAt: "2026-01-01T10:05:00Z",
    });
    s = chatReducer(s, { type: "reaction", messageId: "m1", emoji: "👍", userId: "b", add: true });
    s = chatReducer(s, { type: "reaction", messageId: "m1", emoji: "👍", userId: "c", add: true });
    s = chatReducer(s, { type: "reaction", messageId: "m1", emoji: "👍", userId: "b", add: false });
    expect(s.messages[0]).toMatchObject({ body: "changed", reactions: [{ emoji: "👍", userIds: ["c"] }] });
    s = chatReducer(s, { type: "deleted", messageId: "m1" });
    expect(s.messages[0]?.body).toBe("");
    expect(s.messages[0]?.deletedAt).not.toBeNull();
    s = chatReducer(s, { type: "presence", userId: "b", online: true });
    s = chatReducer(s, { type: "presence", userId: "b", online: false });
    expect(s.present).toEqual([]);
    s = chatReducer(s, { type: "typing", userId: "b", at: 1000 });
    expect(typingNow(s, "a", 1000 + TYPING_MS - 1)).toEqual(["b"]);
    expect(typingNow(s, "a", 1000 + TYPING_MS)).toEqual([]);
    expect(typingNow(s, "b", 1000)).toEqual([]);
  });
});
