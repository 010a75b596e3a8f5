import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";

/** Hocuspocus's message types (its wire format: document name, type, then the type's payload). */
const SYNC = 0;
const AWARENESS = 1;
/** y-protocols sync: step 1 carries a state vector, step 2 and update carry a Yjs update. */
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

/** Who an awareness state says is editing: set by the server from the account, never from the client. */
export interface EditorIdentity {
  id: string;
  name: string;
  color: string;
}

export type Inspected = { ok: true; documentName: string; data: Uint8Array } | { ok: false; reason: string };

/**
 * Checks one client message before Hocuspocus reads it: a Yjs update must decode (a malformed one is
 * refused before it reaches the document, so nothing of it is persisted), and every awareness state is
 * rewritten to carry the `user` the server knows for this connection and document (names and colours of
 * cursors come from accounts, not from what a client claims). `identity` is undefined while the document
 * is not yet authenticated: awareness then waits (the provider sends it again).
 */
export function inspectMessage(
  data: Uint8Array,
  identity: (documentName: string) => EditorIdentity | undefined,
): Inspected | { ok: true; documentName: string; data: undefined } {
  try {
    const d = decoding.createDecoder(data);
    const documentName = decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    if (type === SYNC) {
      const step = decoding.readVarUint(d);
      if (step === SYNC_STEP_2 || step === SYNC_UPDATE) Y.decodeUpdate(decoding.readVarUint8Array(d));
      return { ok: true, documentName, data };
    }
    if (type !== AWARENESS) return { ok: true, documentName, data };
    const who = identity(documentName);
    if (!who) return { ok: true, documentName, data: undefined };
    const update = decoding.createDecoder(decoding.readVarUint8Array(d));
    const out = encoding.createEncoder();
    const count = decoding.readVarUint(update);
    encoding.writeVarUint(out, count);
    for (let i = 0; i < count; i++) {
      encoding.writeVarUint(out, decoding.readVarUint(update)); // client id
      encoding.writeVarUint(out, decoding.readVarUint(update)); // clock
      const state = JSON.parse(decoding.readVarString(update)) as unknown;
      const own =
        state !== null && typeof state === "object" && !Array.isArray(state)
          ? { ...(state as Record<string, unknown>), user: who }
          : null;
      encoding.writeVarString(out, JSON.stringify(own));
    }
    const message = encoding.createEncoder();
    encoding.writeVarString(message, documentName);
    encoding.writeVarUint(message, AWARENESS);
    encoding.writeVarUint8Array(message, encoding.toUint8Array(out));
    return { ok: true, documentName, data: encoding.toUint8Array(message) };
  } catch {
    return { ok: false, reason: "malformed message" };
  }
}

/** A colour for an account's cursor, the same on every client. */
export function colorOf(userId: string): string {
  let h = 0;
  for (const ch of userId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 70% 45%)`;
}

/**
 * The stateless message telling a client its rights on the document changed (an editor made viewer, a
 * viewer made editor) while it was connected: `{"type":"rights","rights":"read"|"write"}`.
 */
export function rightsMessage(rights: "read" | "write"): string {
  return JSON.stringify({ type: "rights", rights });
}
