import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { invalidateReadingLog } from "./queries";

/** A domain event as the realtime role sends it (docs/realtime.md). */
interface LiveEvent {
  id: string;
  name: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/** What a page of this app shows that an event makes stale. */
export function applyLiveEvent(queryClient: QueryClient, e: LiveEvent): void {
  if (e.name.startsWith("progress.") || e.name.startsWith("book.") || e.name.startsWith("reading.")) {
    const bookId = typeof e.payload.bookId === "string" ? e.payload.bookId : undefined;
    invalidateReadingLog(queryClient, bookId);
  } else if (e.name === "user.changed") void queryClient.invalidateQueries({ queryKey: ["me"] });
  else void queryClient.invalidateQueries();
}

/**
 * Keeps the open pages current: a page logged over WhatsApp, a book finished on the phone, refresh what
 * shows them here. One Socket.IO connection per tab (the session cookie authenticates it; socket.io-client
 * loads only after sign-in), which tells the server the last event it saw when it reconnects, so nothing
 * missed in between is lost.
 */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let closed = false;
    let close = () => {};
    void import("socket.io-client").then(({ io }) => {
      if (closed) return;
      let lastEventId: string | undefined;
      const socket = io({ transports: ["websocket"], auth: {} });
      socket.on("event", (e: LiveEvent) => {
        lastEventId = e.id;
        applyLiveEvent(queryClient, e);
      });
      socket.on("disconnect", () => {
        socket.auth = lastEventId ? { lastEventId } : {};
      });
      close = () => socket.close();
    });
    return () => {
      closed = true;
      close();
    };
  }, [queryClient]);
}
