/**
 * Where a note edited together stands, from what the collab server said (docs/realtime.md): connected and
 * in step, offline with edits kept (they merge when the connection is back), or ended for good — access
 * revoked, the note deleted, the session over, no access at all — when the editor stops for good.
 */
export type Ended = "access-revoked" | "note-deleted" | "session-ended" | "no-access";

export type CollabStatus =
  | { state: "connecting" }
  | { state: "live"; readOnly: boolean }
  | { state: "offline"; readOnly: boolean }
  | { state: "ended"; why: Ended };

/** A closed connection (its close code, or the reason in Hocuspocus's close message) that ends editing. */
export function endedByClose(code: number | undefined, reason: string | undefined): Ended | null {
  if (code === 4403 || reason === "access-revoked") return "access-revoked";
  if (code === 4404 || reason === "note-deleted") return "note-deleted";
  if (code === 4401 || reason === "session-ended") return "session-ended";
  return null;
}

/** A refused authentication (the server's reason: `not-found` as the API's 404, `unauthorized`). */
export function endedByRefusal(reason: string | undefined): Ended {
  return reason === "unauthorized" ? "session-ended" : "no-access";
}

export const ENDED_TEXT: Record<Ended, string> = {
  "access-revoked":
    "Your access to this note was revoked: the editor is closed. What you see is the text as it was; copy what you still need.",
  "note-deleted": "This note was deleted by its owner: the editor is closed.",
  "session-ended": "Your session ended: sign in again to go on editing.",
  "no-access": "You have no access to this note (or its link expired or was revoked).",
};

export function statusText(s: CollabStatus, unsent: number): string {
  switch (s.state) {
    case "connecting":
      return "Connecting…";
    case "live":
      return `${s.readOnly ? "Live, read only" : "Live"}${unsent > 0 ? " · sending changes…" : " · all changes sent"}`;
    case "offline":
      return unsent > 0
        ? "Offline: your changes are kept here and merge when the connection is back. Reconnecting…"
        : "Offline, reconnecting…";
    case "ended":
      return "Closed";
  }
}

export type Rights = "read" | "write";

/**
 * The rights a stateless message of the collab server gives this connection (`{"type":"rights",…}`, sent
 * when an editor is made viewer or a viewer editor while connected); null for any other message.
 */
export function rightsFromStateless(payload: string): Rights | null {
  try {
    const m = JSON.parse(payload) as { type?: unknown; rights?: unknown };
    return m.type === "rights" && (m.rights === "read" || m.rights === "write") ? m.rights : null;
  } catch {
    return null;
  }
}

/** The status once the connection's rights changed: live or offline keep their state, read only or not. */
export function withRights(s: CollabStatus, rights: Rights): CollabStatus {
  return s.state === "live" || s.state === "offline" ? { ...s, readOnly: rights === "read" } : s;
}
