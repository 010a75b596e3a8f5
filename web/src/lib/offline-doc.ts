/**
 * A note's Yjs document kept in the browser (IndexedDB), so edits made offline survive a reload or a closed
 * tab and merge when the connection is back. It does what y-indexeddb does (not among the app's
 * dependencies), in little: every update of the document is appended to a store, keyed by account and
 * note; opening the note applies them back (Yjs updates merge in any order, with the server's too), and
 * past `COMPACT_AFTER` of them they become one. Cleared for a note when access to it ends, and for every
 * note at sign-out.
 */
import * as Y from "yjs";

import { COMPACT_AFTER, forget, openDb, type Row, request, STORE } from "./offline-store";

/** What a note's persistence offers its editor. */
export interface OfflineDoc {
  /** Resolves once what was kept has been applied to the document. */
  readonly loaded: Promise<void>;
  /** Forgets what was kept of this note (access ended) and stops keeping it. */
  clear(): Promise<void>;
  destroy(): void;
}

/**
 * Keeps `doc` (note `noteId`, opened by `userId`) in IndexedDB. Without IndexedDB (a private window that
 * refuses it) the document works as before, kept only while the tab is open.
 */
export function keepOffline(doc: Y.Doc, userId: string, noteId: string): OfflineDoc {
  const key = `${userId}:${noteId}`;
  const origin = { offline: key };
  let stopped = false;
  let count = 0;
  const db = typeof indexedDB === "undefined" ? Promise.reject(new Error("no IndexedDB")) : openDb();

  const rows = async (mode: IDBTransactionMode) => {
    const tx = (await db).transaction(STORE, mode);
    return { tx, store: tx.objectStore(STORE), index: tx.objectStore(STORE).index("key") };
  };
  const done = (tx: IDBTransaction) =>
    new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });

  /** Replaces the note's rows by one: the document's whole state. */
  const compact = async () => {
    const { tx, store, index } = await rows("readwrite");
    for (const k of await request(index.getAllKeys(key))) store.delete(k);
    store.add({ key, update: Y.encodeStateAsUpdate(doc) } satisfies Row);
    count = 1;
    await done(tx);
  };

  const onUpdate = (update: Uint8Array, from: unknown) => {
    if (stopped || from === origin) return;
    void (async () => {
      const { tx, store } = await rows("readwrite");
      store.add({ key, update } satisfies Row);
      await done(tx);
      if (++count > COMPACT_AFTER) await compact();
    })().catch(() => {});
  };

  const loaded = (async () => {
    const { index } = await rows("readonly");
    const kept = (await request(index.getAll(key))) as Row[];
    if (stopped) return;
    Y.transact(
      doc,
      () => {
        for (const row of kept) Y.applyUpdate(doc, row.update, origin);
      },
      origin,
    );
    count = kept.length;
    // What the document held before it was loaded (typed at once, or from the server) is kept too.
    await compact();
  })().catch(() => {});
  doc.on("update", onUpdate);

  return {
    loaded,
    async clear() {
      stopped = true;
      doc.off("update", onUpdate);
      await forget(key).catch(() => {});
    },
    destroy() {
      stopped = true;
      doc.off("update", onUpdate);
      void db.then((d) => d.close()).catch(() => {});
    },
  };
}
