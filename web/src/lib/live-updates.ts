import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { invalidateReadingLog } from "./queries";
import { acquireSocket, type LiveEvent } from "./socket";

/** What a page of this app shows that an event makes stale. */
export function applyLiveEvent(queryClient: QueryClient, e: LiveEvent): void {
  if (e.name.startsWith("progress.") || e.name.startsWith("book.") || e.name.startsWith("reading.")) {
    const bookId = typeof e.payload.bookId === "string" ? e.payload.bookId : undefined;
    invalidateReadingLog(queryClient, bookId);
  } else if (e.name.startsWith("note.")) {
    void queryClient.invalidateQueries({ queryKey: ["notes"] });
    void queryClient.invalidateQueries({ queryKey: ["note", e.aggregateId] });
    void queryClient.invalidateQueries({ queryKey: ["search"] });
  } else if (e.name === "user.changed") void queryClient.invalidateQueries({ queryKey: ["me"] });
  else void queryClient.invalidateQueries();
}

/**
 * Keeps the open pages current: a page logged over WhatsApp, a book finished on the phone, refresh what
 * shows them here. Listens on the app's one Socket.IO connection (lib/socket.ts), which replays what was
 * missed when it reconnects.
 */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const hold = acquireSocket();
    const onEvent = (e: LiveEvent) => applyLiveEvent(queryClient, e);
    let closed = false;
    void hold.socket.then((socket) => {
      if (!closed) socket.on("event", onEvent);
    });
    return () => {
      closed = true;
      void hold.socket.then((socket) => socket.off("event", onEvent));
      hold.release();
    };
  }, [queryClient]);
}
