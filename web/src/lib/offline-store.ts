/**
 * The IndexedDB store of notes kept for offline editing (see offline-doc.ts), without Yjs: the app's
 * sign-out forgets them all without loading the editor's code.
 */
export const DB_NAME = "readlog-notes";
export const STORE = "updates";
/** Updates kept one by one before they are merged into one. */
export const COMPACT_AFTER = 200;

export interface Row {
  key: string;
  update: Uint8Array;
}

export function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => {
    const store = r.result.createObjectStore(STORE, { autoIncrement: true });
    store.createIndex("key", "key");
  };
  return request(r).then((d) => {
    // A sign-out in any tab deletes the database: this tab lets go of it for that.
    d.onversionchange = () => d.close();
    return d;
  });
}

export async function forget(key: string): Promise<void> {
  const d = await openDb();
  try {
    const tx = d.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    for (const k of await request(store.index("key").getAllKeys(key))) store.delete(k);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    d.close();
  }
}

/** Forgets every note kept in this browser (at sign-out: the next person here sees none of them). */
export async function forgetOfflineNotes(): Promise<void> {
  if (typeof indexedDB === "undefined") return;
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(DB_NAME);
    // Blocked (another tab has it open): it is deleted once that tab lets go; nothing to wait for here.
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
}
