import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Connection, Extension, Hocuspocus, onAuthenticatePayload } from "@hocuspocus/server";
import type { WebSocket, WebSocketServer } from "ws";
import type * as Y from "yjs";
import type { Actor } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { AppError } from "../../platform/errors.js";
import type { ModuleLog } from "../../platform/module/module.js";
import { authenticateCredentials, type PresentedCredentials } from "../auth/auth.hook.js";
import type { AuthService } from "../auth/auth.service.js";
import type { NotesRepo } from "../notes/notes.repo.js";
import { NOTE_BODY_MAX } from "../notes/notes.schemas.js";
import type { LiveNotes, NotesService } from "../notes/notes.service.js";
import { upgradeCredentials } from "../realtime/socket-auth.js";
import type { CollabRepo } from "./collab.repo.js";
import type { EditorIdentity } from "./collab-messages.js";
import type { Rights, SharesService } from "./shares.service.js";

/** Where the collab server answers WebSocket upgrades (documents are named by note id). */
export const COLLAB_PATH = "/collab";

/** Limits every collab connection lives within; past one it is refused or disconnected with the reason. */
export interface CollabLimits {
  /** Largest message (a Yjs update, an awareness state) a client may send, in bytes. */
  maxMessageBytes: number;
  /** Messages a client may send per second, sustained, and in a burst: past them it is disconnected. */
  messagesPerSecond: number;
  messagesBurst: number;
  /** A document is stored this long after its last change, and at least this often while it changes. */
  debounceMs: number;
  maxDebounceMs: number;
}

export const DEFAULT_COLLAB_LIMITS: CollabLimits = {
  maxMessageBytes: 256 * 1024,
  messagesPerSecond: 60,
  messagesBurst: 200,
  debounceMs: 2_000,
  maxDebounceMs: 10_000,
};

/** Close codes a client sees (4000–4999 are the application's). */
export const CLOSE = {
  revoked: { code: 4403, reason: "access-revoked" },
  sessionEnded: { code: 4401, reason: "session-ended" },
  flood: { code: 4429, reason: "too-many-messages" },
  malformed: { code: 4400, reason: "malformed-message" },
  deleted: { code: 4404, reason: "note-deleted" },
} as const;

/** What each connection keeps: who it is and what it may do to the document it opened. */
export interface CollabContext {
  actor: Actor;
  credentials: PresentedCredentials;
  /** The link secret it came with, if any (its rights end when the link does). */
  link: string | undefined;
  rights: Rights;
  user: EditorIdentity;
}

/** One WebSocket: its flood bucket and the identity it has per authenticated document. */
interface Libs {
  Y: typeof import("yjs");
  messages: typeof import("./collab-messages.js");
  text: typeof import("./collab-text.js");
}

interface Peer {
  tokens: number;
  refilledAt: number;
  identities: Map<string, EditorIdentity>;
}

const NOTE_ID = /^[0-9a-f-]{1,64}$/;

/**
 * Notes edited together: Hocuspocus serving a Yjs document per note on the API's HTTP server (path
 * /collab). Each connection authenticates with the API's authenticator (token or session cookie) and the
 * notes' policies or a share link: owner and editors write, viewers read. A document is loaded from its
 * stored Yjs state (seeded from the note's Markdown the first time only) and stored debounced, with the
 * note's Markdown, revision and search entry saved in the same transaction. Shares revoked, links revoked,
 * credentials ended: the connections that lost access are closed at once.
 */
export class CollabServer implements LiveNotes {
  private hocuspocus: Hocuspocus | undefined;
  private loaded: Libs | undefined;
  private wss: WebSocketServer | undefined;
  private server: HttpServer | undefined;
  private readonly upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.onUpgrade(req, socket, head);
  /** Who changed each open document last (the revision is saved as theirs). */
  private readonly lastEditor = new Map<string, string>();

  constructor(
    private readonly d: {
      uow: UnitOfWork;
      clock: Clock;
      auth: AuthService;
      notes: NotesService;
      notesRepo: NotesRepo;
      shares: SharesService;
      repo: CollabRepo;
      log: ModuleLog;
      refused: { inc(n?: number): void };
    },
    readonly limits: CollabLimits = DEFAULT_COLLAB_LIMITS,
  ) {}

  /** Yjs and what reads it, loaded with Hocuspocus at attach (none of it is needed before a connection). */
  private get libs(): Libs {
    if (!this.loaded) throw new Error("the collab server is not attached to a server");
    return this.loaded;
  }

  get instance(): Hocuspocus {
    if (!this.hocuspocus) throw new Error("the collab server is not attached to a server");
    return this.hocuspocus;
  }

  /** Serves the documents on `server` (upgrades of /collab). `extensions`: e.g. Redis, across instances. */
  async attach(server: HttpServer, extensions: Extension[] = []): Promise<void> {
    // Loaded by the collab role only.
    const { Hocuspocus } = await import("@hocuspocus/server");
    const { WebSocketServer } = await import("ws");
    const [yjs, messages, text] = await Promise.all([
      import("yjs"),
      import("./collab-messages.js"),
      import("./collab-text.js"),
    ]);
    this.loaded = { Y: yjs, messages, text };
    this.hocuspocus = new Hocuspocus({
      name: "readlog",
      quiet: true,
      debounce: this.limits.debounceMs,
      maxDebounce: this.limits.maxDebounceMs,
      extensions,
      onAuthenticate: (data) => this.authenticate(data),
      onLoadDocument: async ({ documentName, document }) => {
        await this.load(documentName, document);
        return document;
      },
      onChange: async ({ documentName, context }) => {
        const c = context as Partial<CollabContext>;
        if (c.actor) this.lastEditor.set(documentName, c.actor.userId);
      },
      onStoreDocument: async ({ documentName, document }) => this.store(documentName, document),
      afterUnloadDocument: async ({ documentName }) => {
        this.lastEditor.delete(documentName);
      },
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxMessageBytes });
    this.server = server;
    server.on("upgrade", this.upgrade);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path !== COLLAB_PATH && !path.startsWith(`${COLLAB_PATH}/`)) return;
    const wss = this.wss;
    if (!wss) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req));
  }

  private connected(ws: WebSocket, req: IncomingMessage): void {
    // A message past the size limit (ws closes with 1009), a broken frame: the connection ends, nothing else.
    ws.on("error", (err) => {
      this.d.refused.inc();
      this.d.log.info({ reason: err.message }, "collab: connection ended on an error");
    });
    const peer: Peer = { tokens: this.limits.messagesBurst, refilledAt: Date.now(), identities: new Map() };
    // Every message passes the flood limit and the checks of `inspectMessage` before Hocuspocus reads it.
    const on = ws.on.bind(ws);
    ws.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== "message") return on(event, listener);
      return on("message", (data: Buffer, isBinary: boolean) => {
        if (!this.withinRate(peer)) return this.refuse(ws, CLOSE.flood);
        const checked = this.libs.messages.inspectMessage(new Uint8Array(data), (name) =>
          peer.identities.get(name),
        );
        if (!checked.ok) return this.refuse(ws, CLOSE.malformed);
        if (checked.data) listener(Buffer.from(checked.data), isBinary);
      });
    }) as typeof ws.on;
    this.instance.handleConnection(ws, req, { peer });
  }

  private withinRate(peer: Peer): boolean {
    const now = Date.now();
    peer.tokens = Math.min(
      this.limits.messagesBurst,
      peer.tokens + ((now - peer.refilledAt) / 1000) * this.limits.messagesPerSecond,
    );
    peer.refilledAt = now;
    if (peer.tokens < 1) return false;
    peer.tokens -= 1;
    return true;
  }

  private refuse(ws: WebSocket, why: { code: number; reason: string }): void {
    if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) return;
    this.d.refused.inc();
    ws.close(why.code, why.reason);
    // A client that keeps sending is not waited for.
    setTimeout(() => ws.terminate(), 1_000).unref();
  }

  /** onAuthenticate: the API's authenticator, then the note's policy or a link; refused with the reason. */
  private async authenticate(data: onAuthenticatePayload): Promise<CollabContext> {
    const noteId = data.documentName;
    try {
      if (!NOTE_ID.test(noteId)) throw new AppError(404, "not-found", "Not found", "Note not found");
      const params = data.requestParameters;
      const link = params.get("link") ?? undefined;
      const credentials = upgradeCredentials(data.token ? data.token : undefined, data.requestHeaders);
      const { actor } = await authenticateCredentials(this.d.auth, credentials);
      const rights = await this.d.shares.rights(actor, noteId, link);
      if (!rights) throw new AppError(404, "not-found", "Not found", "Note not found");
      if (rights === "read") data.connectionConfig.readOnly = true;
      const name = (await this.d.repo.userName(actor.userId)) ?? "Someone";
      const user = { id: actor.userId, name, color: this.libs.messages.colorOf(actor.userId) };
      (data.context as { peer: Peer }).peer.identities.set(noteId, user);
      return { actor, credentials, link, rights, user };
    } catch (err) {
      this.d.refused.inc();
      const reason = err instanceof AppError ? err.code : "internal";
      if (!(err instanceof AppError)) this.d.log.error({ err }, "collab: authentication failed");
      throw Object.assign(new Error(reason), { reason });
    }
  }

  /** The stored state (or, the first time, the note's Markdown), and what was saved elsewhere since. */
  private async load(noteId: string, document: Y.Doc): Promise<void> {
    const note = await this.d.notesRepo.noteById(noteId);
    if (!note) throw new Error("note not found");
    let stored = await this.d.repo.doc(noteId);
    if (!stored) {
      await this.d.repo.insertDocIfAbsent(
        noteId,
        this.libs.text.seedState(note.body),
        note.version,
        this.now(),
      );
      stored = await this.d.repo.doc(noteId);
    }
    this.libs.Y.applyUpdate(document, stored!.state);
    // A version saved elsewhere since (or one a REST save claimed and a crash kept from the document): the
    // document was last stored with an earlier text, so bringing it to the note's is exact.
    if (note.version > stored!.note_version || document.getText(this.libs.text.BODY).toString() !== note.body)
      this.libs.text.applyText(document, note.body, "notes");
  }

  /** Saves the note's Markdown (a revision, its index entry) and the document's state in one transaction. */
  private async store(noteId: string, document: Y.Doc): Promise<void> {
    const body = document.getText(this.libs.text.BODY).toString();
    if (body.length > NOTE_BODY_MAX) {
      this.d.log.warn({ noteId, length: body.length }, "collab: note over the size limit, not saved");
      return;
    }
    await this.d.uow.transaction(async () => {
      const note = await this.d.notesRepo.noteById(noteId);
      if (!note) return;
      const saved = await this.d.notes.saveEdited(noteId, body, this.lastEditor.get(noteId) ?? note.owner_id);
      if (!saved) return;
      await this.d.repo.saveDoc(noteId, this.libs.Y.encodeStateAsUpdate(document), saved.version, this.now());
    });
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  /** The open connections (to one note, or all) with the note they edit. */
  private connectionsOf(noteId?: string): Array<{ noteId: string; connection: Connection }> {
    const out: Array<{ noteId: string; connection: Connection }> = [];
    for (const [name, doc] of this.hocuspocus?.documents ?? []) {
      if (noteId !== undefined && name !== noteId) continue;
      for (const connection of doc.getConnections()) out.push({ noteId: name, connection });
    }
    return out;
  }

  /**
   * Closes one connection to a document with the reason, and its WebSocket (the client reconnects and is
   * asked again for whatever else it had open).
   */
  private disconnect(connection: Connection, why: { code: number; reason: string }): void {
    this.d.refused.inc();
    connection.close(why);
    const ws = connection.webSocket;
    if (ws.readyState === ws.OPEN) ws.close(why.code, why.reason);
  }

  /**
   * Checks the open connections again (to one note, or of one user) after a share, a link or a credential
   * changed: those that lost access are closed with the reason; the others follow their rights (a viewer
   * made editor writes, an editor made viewer reads only).
   */
  recheck(filter: { noteId?: string; userId?: string }): Promise<void> {
    // One at a time, in the order the events came: each reads the rights as they are once the one before
    // it is done, so a slow check of an older change can never undo a newer one (an editor made viewer,
    // then editor again, then viewer ends read-only and told three times).
    const run = this.rechecks.then(() => this.recheckNow(filter));
    this.rechecks = run.catch((err: unknown) => this.d.log.error({ err }, "collab: recheck failed"));
    return this.rechecks;
  }

  private rechecks: Promise<void> = Promise.resolve();

  private async recheckNow(filter: { noteId?: string; userId?: string }): Promise<void> {
    for (const { noteId, connection } of this.connectionsOf(filter.noteId)) {
      const ctx = connection.context as Partial<CollabContext>;
      if (!ctx.actor || !ctx.credentials) continue;
      if (filter.userId !== undefined && ctx.actor.userId !== filter.userId) continue;
      let actor: Actor;
      try {
        actor = (await authenticateCredentials(this.d.auth, ctx.credentials)).actor;
      } catch {
        this.disconnect(connection, CLOSE.sessionEnded);
        continue;
      }
      const rights = await this.d.shares.rights(actor, noteId, ctx.link);
      if (!rights) {
        this.disconnect(connection, CLOSE.revoked);
        continue;
      }
      ctx.actor = actor;
      ctx.rights = rights;
      const readOnly = rights === "read";
      if (connection.readOnly === readOnly) continue;
      connection.readOnly = readOnly;
      // The client is told (a stateless message), so its editor follows without reconnecting.
      connection.sendStateless(this.libs.messages.rightsMessage(rights));
    }
  }

  /** The note was deleted: its editors are told, its document let go. */
  closeNote(noteId: string): void {
    for (const { connection } of this.connectionsOf(noteId)) this.disconnect(connection, CLOSE.deleted);
  }

  /** LiveNotes: the text of the note's document open in this process, with what is typed and not stored yet. */
  text(noteId: string): string | undefined {
    const doc = this.hocuspocus?.documents.get(noteId);
    return doc?.getText(this.libs.text.BODY).toString();
  }

  /**
   * LiveNotes: a REST save computed against this process's open document (`base`, its text then) takes
   * the version in the save's transaction, so no process merges it again; once committed, the change is
   * merged into the document as edits where they are (the debounced store saves its state).
   */
  async saved(noteId: string, base: string, body: string, version: number): Promise<void> {
    await this.d.repo.claimVersion(noteId, version);
    this.d.uow.afterCommit(() => {
      const doc = this.hocuspocus?.documents.get(noteId);
      if (doc && !this.libs.text.mergeInto(doc, base, body, "notes"))
        this.d.log.warn({ noteId, version }, "collab: text typed while a REST save committed overlapped it");
    });
  }

  /**
   * The note was saved elsewhere (REST, in a process where it was not open): an open document takes the
   * change from the version before it as edits, keeping what was typed meanwhile (on the same text, the
   * typing wins: the saved version stays in the revisions).
   */
  async noteSaved(noteId: string, version: number): Promise<void> {
    const doc = this.hocuspocus?.documents.get(noteId);
    if (!doc) return;
    const note = await this.d.notesRepo.noteById(noteId);
    if (!note || note.version !== version) return;
    // A version the document wrote itself is in its stored state already (same transaction); one saved
    // elsewhere is merged by the one process that claims it (with Redis, the edit reaches the others).
    if (!(await this.d.repo.claimVersion(noteId, version))) return;
    const base = (await this.d.notesRepo.revision(noteId, version - 1))?.body;
    if (base === undefined) this.libs.text.applyText(doc, note.body, "notes");
    else if (!this.libs.text.mergeInto(doc, base, note.body, "notes"))
      this.d.log.warn({ noteId, version }, "collab: edits typed meanwhile overlapped a note saved elsewhere");
  }

  /**
   * What changed is stored before the process lets its database go: a store waiting for its debounce runs
   * now, and one already running (a closed last connection starts one) is waited for.
   */
  private async storePending(hocuspocus: Hocuspocus): Promise<void> {
    const { debouncer } = hocuspocus;
    for (let round = 0; round < 10; round++) {
      const busy = [...hocuspocus.documents.values()].filter((doc) => {
        const id = `onStoreDocument-${doc.name}`;
        return debouncer.isDebounced(id) || debouncer.isCurrentlyExecuting(id) || doc.saveMutex.isLocked();
      });
      if (busy.length === 0) return;
      for (const doc of busy) {
        const id = `onStoreDocument-${doc.name}`;
        if (debouncer.isDebounced(id)) await debouncer.executeNow(id);
        await doc.saveMutex.waitForUnlock();
      }
      // A store that finished lets its execution go on the next turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.d.log.warn({}, "collab: documents still storing when the server closed");
  }

  async close(): Promise<void> {
    this.server?.off("upgrade", this.upgrade);
    const hocuspocus = this.hocuspocus;
    if (!hocuspocus) return;
    hocuspocus.closeConnections();
    await this.rechecks;
    await this.storePending(hocuspocus);
    await hocuspocus.hooks("onDestroy", { instance: hocuspocus });
    this.wss?.close();
    this.hocuspocus = undefined;
  }
}
