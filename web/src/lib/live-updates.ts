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

/** The longest the connection waits for the page's first requests to settle (a page that keeps polling). */
const SETTLE_TIMEOUT_MS = 3000;

/**
 * Runs `start` once the page's requests have all answered and the browser is idle (or after
 * SETTLE_TIMEOUT_MS): the connection and socket.io-client's code then do not compete with the first
 * screen's requests, parsing and drawing. Returns a cancel function.
 */
export function whenPageSettled(queryClient: QueryClient, start: () => void): () => void {
  let done = false;
  let cancelIdle: (() => void) | undefined;
  const run = () => {
    if (done) return;
    done = true;
    cleanup();
    start();
  };
  // Idle, unless a request started meanwhile (a page's chunk loaded and asked for its data): wait again.
  const onIdle = () => {
    cancelIdle = undefined;
    if (queryClient.isFetching() === 0) run();
  };
  const check = () => {
    if (done || cancelIdle || queryClient.isFetching() > 0) return;
    if (typeof requestIdleCallback === "function") {
      const id = requestIdleCallback(onIdle, { timeout: 500 });
      cancelIdle = () => cancelIdleCallback(id);
    } else {
      const id = window.setTimeout(onIdle, 0);
      cancelIdle = () => window.clearTimeout(id);
    }
  };
  const unsubscribe = queryClient.getQueryCache().subscribe(check);
  const timer = window.setTimeout(run, SETTLE_TIMEOUT_MS);
  const cleanup = () => {
    unsubscribe();
    window.clearTimeout(timer);
  };
  // After the current render: the page's own queries start in its effects.
  const first = window.setTimeout(check, 0);
  return () => {
    window.clearTimeout(first);
    cancelIdle?.();
    done = true;
    cleanup();
  };
}

/**
 * Keeps the open pages current: a page logged over WhatsApp, a book finished on the phone, refresh what
 * shows them here. Listens on the app's one Socket.IO connection (lib/socket.ts), which replays what was
 * missed when it reconnects. The connection opens once the first screen has its data and the browser is
 * idle (whenPageSettled), not while that screen is still loading.
 */
export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let hold: ReturnType<typeof acquireSocket> | undefined;
    let closed = false;
    const onEvent = (e: LiveEvent) => applyLiveEvent(queryClient, e);
    const cancel = whenPageSettled(queryClient, () => {
      hold = acquireSocket();
      void hold.socket.then((socket) => {
        if (!closed) socket.on("event", onEvent);
      });
    });
    return () => {
      closed = true;
      cancel();
      if (!hold) return;
      const held = hold;
      void held.socket.then((socket) => socket.off("event", onEvent));
      held.release();
    };
  }, [queryClient]);
}
