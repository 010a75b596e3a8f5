/**
 * The live chat of a club over the app's one Socket.IO connection (lib/socket.ts, shared with live updates):
 * joins `club:<id>` (the server answers the history, who is here and the unread count; after a reconnect it
 * sends what was missed since the last message held), follows the room's events and sends with
 * acknowledgements (a refusal carries the API's status and detail).
 */

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { Socket } from "socket.io-client";
import { api, unwrap } from "../api/client";
import { type ChatAction, chatReducer, EMPTY_CHAT } from "./chat-state";
import { type ChatMessage, clubKeys } from "./clubs";
import { acquireSocket } from "./socket";

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

export type Connection = "connecting" | "live" | "offline" | "left";

/** Why the server took this tab out of the club's room (`room:left`), in words. */
const LEFT: Record<string, string> = {
  removed: "You were removed from this club.",
  left: "You left this club.",
  "club-deleted": "This club was deleted.",
};

export function useClubChat(clubId: string, myId: string) {
  const [state, dispatch] = useReducer(chatReducer, EMPTY_CHAT);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const socketRef = useRef<Socket | null>(null);
  const queryClient = useQueryClient();
  const lastId = useRef<string | undefined>(undefined);
  lastId.current = state.messages.at(-1)?.id;

  useEffect(() => {
    const hold = acquireSocket();
    const handlers: [string, (data: unknown) => void][] = [];
    const on = <T>(event: string, f: (data: T) => ChatAction | null) =>
      handlers.push([
        event,
        (data) => {
          const d = data as T & { clubId?: string };
          if (d.clubId !== undefined && d.clubId !== clubId) return;
          const action = f(d);
          if (action) dispatch(action);
        },
      ]);
    const join = (socket: Socket) => {
      const after = lastId.current;
      call<{ history: { items: ChatMessage[]; more: boolean }; present: string[]; unread: number }>(
        socket,
        "room:join",
        { room: `club:${clubId}`, ...(after ? { after } : {}) },
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
    };
    const listen = <T>(event: string, f: (data: T) => void) =>
      handlers.push([event, f as (data: unknown) => void]);
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
    // The club itself changed (renamed, its book or schedule, someone joined, left or changed role).
    on<unknown>("club:updated", () => {
      void queryClient.invalidateQueries({ queryKey: clubKeys.club(clubId) });
      return null;
    });
    on<{ userId?: string; change?: string }>("club:member", (e) => {
      // Taken out myself: `room:left` says so; refetching the club (404 now) would hide the page's reason.
      if (e.userId === myId && (e.change === "removed" || e.change === "left")) return null;
      void queryClient.invalidateQueries({ queryKey: clubKeys.club(clubId) });
      return null;
    });
    listen<{ room: string; reason: string }>("room:left", (e) => {
      if (e.room !== `club:${clubId}`) return;
      setConnection("left");
      setProblem(LEFT[e.reason] ?? "You are no longer in this club.");
      void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
    });

    let closed = false;
    let socket: Socket | null = null;
    const onConnect = () => socket && join(socket);
    const onDisconnect = () => setConnection((c) => (c === "left" ? c : "offline"));
    const onConnectError = (err: Error) => {
      setConnection("offline");
      setProblem(`The live chat could not connect (${err.message}); it keeps trying.`);
    };
    void hold.socket.then((s) => {
      if (closed) return;
      socket = s;
      socketRef.current = s;
      for (const [event, f] of handlers) s.on(event, f);
      s.on("connect", onConnect);
      s.on("disconnect", onDisconnect);
      s.on("connect_error", onConnectError);
      // The app's connection may be up already (live updates opened it): join now.
      if (s.connected) join(s);
    });
    return () => {
      closed = true;
      socketRef.current = null;
      if (socket) {
        for (const [event, f] of handlers) socket.off(event, f);
        socket.off("connect", onConnect);
        socket.off("disconnect", onDisconnect);
        socket.off("connect_error", onConnectError);
        if (socket.connected) socket.emit("room:leave", { room: `club:${clubId}` }, () => {});
      }
      hold.release();
    };
  }, [clubId, myId, queryClient]);

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
