/**
 * A note's text edited together in the browser: a Yjs document served by the collab role (Hocuspocus at
 * /collab, authenticated by the session cookie, or a share link's secret), bound to CodeMirror 6 with
 * y-codemirror.next, with collaborators' cursors and names. Viewers get a read-only editor (and an editor
 * made viewer while typing is told so at once); edits made while offline stay in the document, which is
 * kept in IndexedDB (a reload or a closed tab keeps them), and merge when the provider reconnects; a revoked access, a deleted
 * note or an ended session close the editor with the reason. The server stores the text (and a revision)
 * a couple of seconds after the last change: there is no Save button.
 *
 * Loaded on its own (React.lazy) when a note is opened for editing, so Yjs and CodeMirror stay out of the
 * first page's JavaScript.
 */
import { defaultKeymap } from "@codemirror/commands";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { HocuspocusProvider } from "@hocuspocus/provider";
import { useEffect, useId, useRef, useState } from "react";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import * as Y from "yjs";
import {
  type CollabStatus,
  ENDED_TEXT,
  endedByClose,
  endedByRefusal,
  rightsFromStateless,
  statusText,
  withRights,
} from "../lib/collab-status";
import { keepOffline } from "../lib/offline-doc";
import { PEER_CLASSES, type Peer, peerColors, peersOf } from "../lib/peer-colors";
import { remoteCursors } from "../lib/remote-cursors";
import { useMe } from "../lib/session";

/** The note's shared type: its Markdown (docs/realtime.md). */
const BODY = "body";

export function collabUrl(link?: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const query = link ? `?link=${encodeURIComponent(link)}` : "";
  return `${scheme}://${window.location.host}/collab${query}`;
}

/**
 * The editor's look. CodeMirror writes its styles into a stylesheet it creates; in a shadow root that is
 * an adopted (constructed) sheet, which the app's CSP (`style-src 'self'`, no inline styles) allows, where
 * in the page itself it would be a <style> element the CSP refuses. So the editor lives in a shadow root,
 * and its styles, collaborators' colours included, are here (custom properties come through from the page).
 */
const theme = EditorView.theme({
  "&": { minHeight: "14rem", backgroundColor: "var(--surface)", color: "var(--text)" },
  "&.cm-focused": { outline: "none" },
  ".cm-content": {
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
    fontSize: "0.95rem",
    padding: "0.75rem",
    minHeight: "14rem",
    caretColor: "var(--text)",
  },
  ".cm-cursor": { borderLeftColor: "var(--text)" },
  ".cm-peer-selection": { backgroundColor: "var(--peer-soft)" },
  ".cm-peer-caret": {
    position: "relative",
    borderLeft: "2px solid var(--peer)",
    marginLeft: "-1px",
    marginRight: "-1px",
  },
  ".cm-peer-name": {
    position: "absolute",
    bottom: "100%",
    left: "-2px",
    backgroundColor: "var(--peer)",
    color: "#fff",
    fontFamily: "system-ui, sans-serif",
    fontSize: "0.7rem",
    lineHeight: "1.3",
    padding: "0 0.25rem",
    borderRadius: "3px 3px 3px 0",
    whiteSpace: "nowrap",
    pointerEvents: "none",
    userSelect: "none",
  },
  ...Object.fromEntries(
    Array.from({ length: PEER_CLASSES }, (_, i) => [
      `.peer-${i}`,
      { "--peer": peerColors(i).solid, "--peer-soft": peerColors(i).soft },
    ]),
  ),
});

export function NoteTogether({
  noteId,
  link,
}: {
  noteId: string;
  /** A share link's secret, when the note was opened with one. */
  link?: string | undefined;
}) {
  const me = useMe();
  const userId = me.id;
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<CollabStatus>({ state: "connecting" });
  const [unsent, setUnsent] = useState(0);
  const [peers, setPeers] = useState<Peer[]>([]);
  const statusId = useId();
  const labelId = useId();

  useEffect(() => {
    const doc = new Y.Doc();
    const ytext = doc.getText(BODY);
    // Kept in this browser too: what is typed offline survives a reload and merges when back online.
    const offline = keepOffline(doc, userId, noteId);
    const editable = new Compartment();
    let readOnly = true;
    let synced = false;
    let over = false;
    const provider = new HocuspocusProvider({
      url: collabUrl(link),
      name: noteId,
      document: doc,
      token: null,
    });
    const awareness = provider.awareness;
    if (!awareness) throw new Error("the provider has no awareness");
    const undoManager = new Y.UndoManager(ytext);
    const el = host.current;
    if (!el) throw new Error("no element for the editor");
    const shadow = el.shadowRoot ?? el.attachShadow({ mode: "open" });
    const parent = document.createElement("div");
    shadow.append(parent);
    const view = new EditorView({
      root: shadow,
      parent,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
          yCollab(ytext, null, { undoManager }),
          remoteCursors(ytext, awareness),
          EditorView.lineWrapping,
          theme,
          // Not editable until the server said what this connection may do.
          editable.of([EditorView.editable.of(false), EditorState.readOnly.of(true)]),
          // A label by id would not reach into the shadow root: the name itself.
          EditorView.contentAttributes.of({ "aria-label": "Note (Markdown), edited together" }),
        ],
      }),
    });
    const setEditable = (can: boolean) =>
      view.dispatch({
        effects: editable.reconfigure([EditorView.editable.of(can), EditorState.readOnly.of(!can)]),
      });
    const end = (why: CollabStatus) => {
      if (over) return;
      over = true;
      // Access over (revoked, no access, the note deleted): nothing of it stays in this browser. A session
      // that ended keeps it: signed in again, what was typed merges.
      if (why.state === "ended" && why.why !== "session-ended") void offline.clear();
      setStatus(why);
      setEditable(false);
      // No reconnecting: what ended stays ended (a new visit asks again).
      queueMicrotask(() => provider.destroy());
    };
    provider.on("authenticated", ({ scope }: { scope: string }) => {
      readOnly = scope === "readonly";
    });
    provider.on("authenticationFailed", ({ reason }: { reason: string }) =>
      end({ state: "ended", why: endedByRefusal(reason) }),
    );
    provider.on("synced", () => {
      if (over) return;
      synced = true;
      setStatus({ state: "live", readOnly });
      setEditable(!readOnly);
    });
    provider.on("close", ({ event }: { event: { code?: number; reason?: string } }) => {
      const why = endedByClose(event.code, event.reason);
      if (why) return end({ state: "ended", why });
      if (over) return;
      // Offline: a writer goes on writing (the document keeps it; it merges on reconnect).
      setStatus(synced ? { state: "offline", readOnly } : { state: "connecting" });
    });
    // Made viewer (or editor) while connected: the server says so; the editor follows at once.
    provider.on("stateless", ({ payload }: { payload: string }) => {
      const rights = rightsFromStateless(payload);
      if (!rights || over) return;
      readOnly = rights === "read";
      setStatus((s) => withRights(s, rights));
      if (synced) setEditable(!readOnly);
    });
    provider.on("unsyncedChanges", ({ number }: { number: number }) => setUnsent(number));
    // The browser knows at once when the device goes offline; the provider would find out only after 30 s
    // without a message. Offline closes the connection (the page says "Offline", typing goes on into the
    // document); online opens it again at once.
    const socketOf = provider.configuration.websocketProvider;
    const goneOffline = () => socketOf.disconnect();
    const backOnline = () => {
      if (!over) void socketOf.connect();
    };
    window.addEventListener("offline", goneOffline);
    window.addEventListener("online", backOnline);
    const onPeers = () => setPeers(peersOf(awareness.getStates(), doc.clientID));
    awareness.on("change", onPeers);
    return () => {
      over = true;
      window.removeEventListener("offline", goneOffline);
      window.removeEventListener("online", backOnline);
      offline.destroy();
      awareness.off("change", onPeers);
      provider.destroy();
      view.destroy();
      parent.remove();
      undoManager.destroy();
      doc.destroy();
    };
  }, [noteId, link, userId]);

  const closed = status.state === "ended";
  return (
    <section className="card stack note-together" aria-labelledby={labelId}>
      <div className="row spread">
        <h2 id={labelId} className="h3">
          Note (Markdown), edited together
        </h2>
        <p className="muted small" role="status" id={statusId}>
          {statusText(status, unsent)}
        </p>
      </div>
      {closed && (
        <p className="alert alert-error" role="alert">
          {ENDED_TEXT[status.why]}
        </p>
      )}
      {(status.state === "live" || status.state === "offline") && status.readOnly && (
        <p className="muted small">
          You can read this note as it is written; you were given view rights only.
        </p>
      )}
      <ul className="peer-list" aria-label="Editing now">
        {peers.length === 0 ? (
          <li className="muted small">Nobody else has it open.</li>
        ) : (
          peers.map((p) => (
            <li key={p.clientId} className={`peer ${p.className}`}>
              {p.name}
            </li>
          ))
        )}
      </ul>
      <div ref={host} className={closed ? "note-editor closed" : "note-editor"} />
      <p className="hint">
        Saved for everyone as you type (a revision a couple of seconds after the last change). Link to a book
        or another note with [[its title]].
      </p>
    </section>
  );
}

export default NoteTogether;
