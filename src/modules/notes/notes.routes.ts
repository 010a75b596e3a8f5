import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { withLinks } from "../../platform/access/actor.js";
import { actorOf } from "../../platform/http/actor.js";
import { decodeCursor, Page, toPage } from "../../platform/http/pagination.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import type { MarkdownExportService } from "./markdown-export.service.js";
import { noteView } from "./note-values.js";
import type { NotesRepo } from "./notes.repo.js";
import {
  CreateNoteBody,
  Note,
  NoteDetail,
  NoteLinkHeaders,
  NoteLinkQuery,
  NotesQuery,
  RestoreRevisionBody,
  Revisions,
  TagCounts,
  UpdateNoteBody,
} from "./notes.schemas.js";
import type { NotesService } from "./notes.service.js";

const owns = { owns: "note" };
const tags = ["notes"];

/** Notes: create, read (rendered, with links and backlinks), list, change (revisions), restore, delete. */
export const notesRoutes: FastifyPluginAsyncTypebox<{
  notes: NotesService;
  repo: NotesRepo;
  markdown: MarkdownExportService;
}> = async (app, { notes, repo, markdown }) => {
  app.get(
    "/api/export/markdown",
    {
      schema: {
        tags: ["export"],
        summary: "Your highlights and notes as Markdown files (a zip, readable in Obsidian)",
        description:
          "One file per book with highlights or notes: YAML front matter (title, authors, ISBN, tags, dates), " +
          "the highlights in reading order as quotes each with a block id (`^h-…`) and its note, then the " +
          "notes as written (wikilinks kept). Notes on no book are files of their own. Streamed.",
        response: {
          200: {
            description: "A zip archive",
            content: { "application/zip": { schema: { type: "string", format: "binary" } } },
          },
          ...problems(...AUTHED),
        },
      },
    },
    async (request, reply) => {
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type("application/zip")
        .header("content-disposition", `attachment; filename="readlog-notes-${day}.zip"`)
        .send(await markdown.zip(actorOf(request)));
    },
  );

  app.get(
    "/api/notes",
    {
      schema: {
        tags,
        summary: "Your notes, or those shared with you, newest first",
        description:
          "Filter by book, tag (case-insensitive) or source. `shared=with-me` lists the notes others shared " +
          "with you (as viewer or editor, directly or through a club), while the share lasts.",
        querystring: NotesQuery,
        response: { 200: Page(Note), ...problems(...AUTHED) },
      },
    },
    async (request) => {
      const { limit, cursor, shared, ...filters } = request.query;
      const f = { limit, cursor: decodeCursor(cursor), ...filters };
      const actor = actorOf(request);
      const rows = shared === "with-me" ? await notes.listShared(actor, f) : await notes.list(actor, f);
      return toPage(rows, limit, (r) => r.id, noteView);
    },
  );

  app.post(
    "/api/notes",
    {
      schema: {
        tags,
        summary: "Write a note",
        description:
          "Markdown, optionally on one of your books (`bookId`, with a `location` in it) or standalone. " +
          "`[[Book title]]` and `[[Note title]]` link to your books and notes; a link to a missing target " +
          "is kept and shown as missing. Revision 1 is saved.",
        body: CreateNoteBody,
        response: { 201: Note, ...problems(...AUTHED) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(noteView(await notes.create(actorOf(request), request.body))),
  );

  app.get(
    "/api/notes/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "One note, rendered, with its links and backlinks",
        description:
          "Owner, or someone it is shared with; or, signed in, whoever holds a valid share link of it (its " +
          "secret as `link`, or in the `x-readlog-link` header, which stays out of logs): reading only.",
        params: IdParams,
        querystring: NoteLinkQuery,
        headers: NoteLinkHeaders,
        response: { 200: NoteDetail, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => {
      const actor = withLinks(actorOf(request), [request.query.link, request.headers["x-readlog-link"]]);
      const d = await notes.detail(actor, request.params.id);
      return { ...noteView(d.note), html: d.html, links: d.links, backlinks: d.backlinks };
    },
  );

  app.patch(
    "/api/notes/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Change a note (saved as a new revision)",
        description:
          "Owner or editor. `ifVersion` is the `version` you read (default: the saved one). A new `body` is " +
          "merged three-way with what was saved or typed together since (the open document's text), or " +
          "refused with 409 and `currentVersion` where both changed the same text; other fields with a " +
          "stale `ifVersion` are a 409. `null` clears the title, book, location or language.",
        params: IdParams,
        body: UpdateNoteBody,
        response: { 200: Note, ...problems(...AUTHED, 404, 409) },
      },
    },
    async (request) => noteView(await notes.update(actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    "/api/notes/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Delete a note with its revisions",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await notes.remove(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    "/api/notes/:id/revisions",
    {
      config: owns,
      schema: {
        tags,
        summary: "A note's revisions, latest first (the last 200)",
        params: IdParams,
        response: { 200: Revisions, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => ({
      items: (await notes.revisions(actorOf(request), request.params.id)).map((r) => ({
        version: r.version,
        title: r.title,
        body: r.body,
        tags: JSON.parse(r.tags) as string[],
        savedBy: r.saved_by,
        createdAt: r.created_at,
      })),
    }),
  );

  app.post(
    "/api/notes/:id/restore",
    {
      config: owns,
      schema: {
        tags,
        summary: "Bring back an earlier revision (saved as a new revision)",
        params: IdParams,
        body: RestoreRevisionBody,
        response: { 200: Note, ...problems(...AUTHED, 404) },
      },
    },
    async (request) =>
      noteView(await notes.restore(actorOf(request), request.params.id, request.body.version)),
  );

  app.get(
    "/api/tags",
    {
      schema: {
        tags,
        summary: "Your tags, with how many notes and highlights carry each",
        response: { 200: TagCounts, ...problems(...AUTHED) },
      },
    },
    async (request) => ({ items: await repo.tagCounts(actorOf(request).userId) }),
  );
};
