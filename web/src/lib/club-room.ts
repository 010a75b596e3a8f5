import { useCallback, useEffect, useRef, useState } from "react";
import type { Socket } from "socket.io-client";

/** A chat message as the room sends it. */
export interface ChatMessageShape {
  id: string;
  clubId: string;
  authorId: string | null;
  authorName: string | null;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

type Ack<T> = { ok: true; data: T } | { ok: false; error: { status: number; detail: string } };
interface Joined {
  history: { items: ChatMessageShape[]; more: boolean };
  present: string[];
  unread: number;
}

/**
 * A club's chat room over Socket.IO (docs/realtime.md): joins with the last message it holds (so a
 * reconnection fetches only what it missed), keeps the messages, who is present and who is typing, and
 * sends with the server's acknowledgement (a refusal comes back as its detail).
 */
export function useClubRoom(clubId: string) {
  const [messages, setMessages] = useState<ChatMessageShape[]>([]);
  const [present, setPresent] = useState<string[]>([]);
  const [typing, setTyping] = useState<string[]>([]);
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const socket = useRef<Socket | null>(null);

  useEffect(() => {
    let closed = false;
    const last = { id: undefined as string | undefined };
    const upsert = (m: ChatMessageShape) =>
      setMessages((list) => {
        last.id = !last.id || m.id > last.id ? m.id : last.id;
        return list.some((x) => x.id === m.id)
          ? list.map((x) => (x.id === m.id ? m : x))
          : [...list, m].sort((a, b) => (a.id < b.id ? -1 : 1));
      });
    void import("socket.io-client").then(({ io }) => {
      if (closed) return;
      const s = io({ transports: ["websocket"] });
      socket.current = s;
      s.on("connect", async () => {
        setConnected(true);
        const joined = (await s.emitWithAck("room:join", {
          room: `club:${clubId}`,
          ...(last.id ? { after: last.id } : {}),
        })) as Ack<Joined>;
        if (!joined.ok) return setError(joined.error.detail);
        for (const m of joined.data.history.items) upsert(m);
        setPresent(joined.data.present);
      });
      s.on("disconnect", () => setConnected(false));
      s.on("club:message", (m: ChatMessageShape) => {
        if (m.clubId === clubId) upsert(m);
      });
      s.on(
        "club:message-edited",
        (e: { clubId: string; messageId: string; body: string; editedAt: string }) =>
          setMessages((list) =>
            list.map((m) => (m.id === e.messageId ? { ...m, body: e.body, editedAt: e.editedAt } : m)),
          ),
      );
      s.on("club:message-deleted", (e: { messageId: string }) =>
        setMessages((list) =>
          list.map((m) =>
            m.id === e.messageId ? { ...m, body: "", deletedAt: new Date().toISOString() } : m,
          ),
        ),
      );
      s.on("club:presence", (p: { userId: string; online: boolean }) =>
        setPresent((list) =>
          p.online ? [...new Set([...list, p.userId])] : list.filter((u) => u !== p.userId),
        ),
      );
      s.on("club:typing", (t: { userId: string }) => {
        setTyping((list) => [...new Set([...list, t.userId])]);
        setTimeout(() => setTyping((list) => list.filter((u) => u !== t.userId)), 3_000);
      });
      s.on("room:left", () => setError("You are no longer a member of this club."));
    });
    return () => {
      closed = true;
      socket.current?.close();
      socket.current = null;
    };
  }, [clubId]);

  const send = useCallback(
    async (body: string): Promise<string | null> => {
      const s = socket.current;
      if (!s) return "Not connected yet";
      const r = (await s.emitWithAck("club:send", { clubId, body })) as Ack<ChatMessageShape>;
      return r.ok ? null : r.error.detail;
    },
    [clubId],
  );
  const lastTyped = useRef(0);
  const typed = useCallback(() => {
    const now = Date.now();
    if (now - lastTyped.current < 2_000) return;
    lastTyped.current = now;
    socket.current?.emit("club:typing", { clubId });
  }, [clubId]);

  return { messages, present, typing, connected, error, send, typed };
}
