/**
 * The live chat of a club over Socket.IO (same origin, the session cookie authenticates the handshake):
 * joins `club:<id>` (the server answers the history, who is here and the unread count; after a reconnect it
 * sends what was missed since the last message held), follows the room's events and sends with
 * acknowledgements (a refusal carries the API's status and detail).
 */
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { api, unwrap } from "../api/client";
import { type ChatAction, chatReducer, EMPTY_CHAT } from "./chat-state";
import type { ChatMessage } from "./clubs";

type Ack<T> =
  | { ok: true; data: T }
  | { ok: false; error: { status: number; code: string; detail: string; field?: string } };

export class ChatError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

async function call<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(10_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) throw new ChatError(ack.error.status, ack.error.detail);
  return ack.data;
}

export type Connection = "connecting" | "live" | "offline";

export function useClubChat(clubId: string, myId: string) {
  const [state, dispatch] = useReducer(chatReducer, EMPTY_CHAT);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const socketRef = useRef<Socket | null>(null);
  const lastId = useRef<string | undefined>(undefined);
  lastId.current = state.messages.at(-1)?.id;

  useEffect(() => {
    const socket = io({ withCredentials: true });
    socketRef.current = socket;
    const on = <T>(event: string, f: (data: T) => ChatAction | null) =>
      socket.on(event, (data: T & { clubId?: string }) => {
        if (data.clubId !== undefined && data.clubId !== clubId) return;
        const action = f(data);
        if (action) dispatch(action);
      });
    socket.on("connect", () => {
      const after = lastId.current;
      call<{ history: { items: ChatMessage[]; more: boolean }; present: string[]; unread: number }>(
        socket,
        "room:join",
        {
          room: `club:${clubId}`,
          ...(after ? { after } : {}),
        },
      ).then(
        (data) => {
          dispatch({ type: "joined", ...data, catchUp: after !== undefined });
          setConnection("live");
          setProblem(null);
        },
        (err: Error) => {
          setConnection("offline");
          setProblem(err.message);
        },
      );
    });
    socket.on("disconnect", () => setConnection("offline"));
    socket.on("connect_error", (err) => {
      setConnection("offline");
      setProblem(`The live chat could not connect (${err.message}); it keeps trying.`);
    });
    on<ChatMessage>("club:message", (m) => ({ type: "message", message: m, mine: m.authorId === myId }));
    on<{ messageId: string; body: string; editedAt: string }>("club:message-edited", (e) => ({
      type: "edited",
      ...e,
    }));
    on<{ messageId: string }>("club:message-deleted", (e) => ({ type: "deleted", messageId: e.messageId }));
    on<{ messageId: string; emoji: string; userId: string; add: boolean }>("club:reaction", (e) => ({
      type: "reaction",
      ...e,
    }));
    on<{ userId: string; online: boolean }>("club:presence", (e) => ({ type: "presence", ...e }));
    on<{ userId: string }>("club:typing", (e) => ({ type: "typing", userId: e.userId, at: Date.now() }));
    on<{ unread: number }>("club:read", (e) => ({ type: "unread", unread: e.unread }));
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [clubId, myId]);

  const emit = useCallback(
    async <T>(event: string, payload: Record<string, unknown>): Promise<T> => {
      const socket = socketRef.current;
      if (!socket?.connected)
        throw new ChatError(0, "The chat is not connected; wait a moment and try again.");
      return call<T>(socket, event, { clubId, ...payload });
    },
    [clubId],
  );

  const lastTyping = useRef(0);
  return {
    state,
    connection,
    problem,
    /** Sends; the message shows at once from the acknowledgement (the room's echo of it merges by id). */
    send: async (body: string) => {
      const message = await emit<ChatMessage>("club:send", { body });
      dispatch({ type: "message", message, mine: true });
      return message;
    },
    edit: (messageId: string, body: string) => emit("club:edit", { messageId, body }),
    remove: (messageId: string) => emit("club:delete", { messageId }),
    react: (messageId: string, emoji: string, add: boolean) => emit("club:react", { messageId, emoji, add }),
    markRead: async (messageId: string) => {
      const r = await emit<{ unread: number }>("club:read", { messageId });
      dispatch({ type: "unread", unread: r.unread });
    },
    typing: () => {
      const now = Date.now();
      if (now - lastTyping.current < 2000) return;
      lastTyping.current = now;
      void emit("club:typing", {}).catch(() => {});
    },
    loadOlder: async () => {
      const first = state.messages[0];
      const page = await unwrap(
        api.GET("/api/clubs/{id}/messages", {
          params: { path: { id: clubId }, query: { limit: 50, ...(first ? { before: first.id } : {}) } },
        }),
      );
      dispatch({ type: "older", items: page.items, more: page.more });
    },
  };
}
