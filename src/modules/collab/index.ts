import type { DomainEvent } from "../../platform/events/event.js";
import { attachOnFirstUse } from "../../platform/http/attach-on-first-use.js";
import { defineModule } from "../../platform/module/module.js";
import type { AuthService } from "../auth/auth.service.js";
import { noteDeleted, noteUpdated } from "../notes/notes.events.js";
import type { NotesRepo } from "../notes/notes.repo.js";
import type { NotesService } from "../notes/notes.service.js";
import { userChanged } from "../users/users.events.js";
import {
  noteInviteCancelled,
  noteInvited,
  noteLinkRevoked,
  noteShared,
  noteUnshared,
} from "./collab.events.js";
import { CollabRepo, EMAIL_SUBJECT } from "./collab.repo.js";
import { collabRoutes } from "./collab.routes.js";
import { COLLAB_PATH, CollabServer, DEFAULT_COLLAB_LIMITS } from "./collab.server.js";
import * as collab from "./migrations/0018-collab.js";
import { redisExtension } from "./redis-extension.js";
import { SharesService } from "./shares.service.js";

/**
 * Notes edited together (the `collab` role): Hocuspocus serving each note as a Yjs document on /collab,
 * stored as Yjs state with the note's Markdown kept in step; sharing with accounts and links. With Redis,
 * instances share documents (Hocuspocus's Redis extension).
 */
export const collabModule = defineModule({
  name: "collab",
  migrations: { "0018-collab": collab },
  create(
    ctx,
    deps: {
      auth: AuthService;
      notes: NotesService;
      notesRepo: NotesRepo;
      config: { redisUrl: string | null; collabSaveDelayMs: number };
    },
  ) {
    const repo = new CollabRepo(ctx.uow);
    const shares = new SharesService({
      uow: ctx.uow,
      clock: ctx.clock,
      events: ctx.events,
      access: ctx.access,
      grants: ctx.grants,
      notes: deps.notes,
      notesRepo: deps.notesRepo,
      repo,
    });
    const delay = deps.config.collabSaveDelayMs;
    const server = new CollabServer(
      {
        uow: ctx.uow,
        clock: ctx.clock,
        auth: deps.auth,
        notes: deps.notes,
        notesRepo: deps.notesRepo,
        shares,
        repo,
        log: ctx.log,
        refused: ctx.metrics.counter(
          "readlog_collab_refused_total",
          "Collab connections and messages refused (credentials, access, floods, malformed updates)",
        ),
      },
      { ...DEFAULT_COLLAB_LIMITS, debounceMs: delay, maxDebounceMs: delay * 5 },
    );
    // A note saved over REST while its document is open here merges into it (three-way, 409 on overlaps).
    deps.notes.useLive(server);
    // Invitations are grants to an email: whoever has (or later gets) an account with it holds them; the
    // first time they open the note, the invitation becomes their account's share.
    ctx.grants.registerGroups(EMAIL_SUBJECT, async (userId) => {
      const email = await repo.emailOf(userId);
      return email === undefined ? [] : [email];
    });
    deps.notes.useOpened((actor, noteId) => shares.opened(actor, noteId));
    // A valid link presented with a request reads the note (the note policy's relation "link").
    ctx.grants.registerLinks("note", async (ids, secrets) => {
      const open = new Set<string>();
      for (const id of ids)
        for (const secret of secrets) if (await shares.validLink(id, secret)) open.add(id);
      return open;
    });
    const noteOf = (e: DomainEvent) => (e.payload as { noteId: string }).noteId;
    return {
      services: { collab: server, noteShares: shares },
      routes: async (app) => {
        await app.register(collabRoutes, { shares });
      },
      attachments: [
        {
          role: "collab",
          // Hocuspocus and Yjs load on the first upgrade of /collab, not at start.
          attach: async (http) => {
            const url = deps.config.redisUrl;
            attachOnFirstUse(http, {
              matches: (path) => path === COLLAB_PATH || path.startsWith(`${COLLAB_PATH}/`),
              attach: async () => server.attach(http, url ? [await redisExtension(url)] : []),
              log: ctx.log,
            });
          },
          close: () => server.close(),
        },
      ],
      // Every process hears these: each lets go of its own connections that lost access.
      relayed: [
        { event: noteShared.name, handle: (e) => void server.recheck({ noteId: noteOf(e) }) },
        { event: noteUnshared.name, handle: (e) => void server.recheck({ noteId: noteOf(e) }) },
        { event: noteInvited.name, handle: (e) => void server.recheck({ noteId: noteOf(e) }) },
        { event: noteInviteCancelled.name, handle: (e) => void server.recheck({ noteId: noteOf(e) }) },
        { event: noteLinkRevoked.name, handle: (e) => void server.recheck({ noteId: noteOf(e) }) },
        { event: noteDeleted.name, handle: (e) => server.closeNote(noteOf(e)) },
        {
          event: noteUpdated.name,
          handle: (e) => void server.noteSaved(noteOf(e), (e.payload as { version: number }).version),
        },
        {
          event: userChanged.name,
          handle: (e) => void server.recheck({ userId: (e.payload as { userId: string }).userId }),
        },
      ],
    };
  },
});
