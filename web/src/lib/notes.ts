/** Notes, highlights and search: types from openapi.json, query keys and the calls several pages share. */
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";

type Json<T> = T extends { content: { "application/json": infer J } } ? J : never;

export type NoteList = Json<paths["/api/notes"]["get"]["responses"]["200"]>;
export type Note = NoteList["items"][number];
export type NoteDetail = Json<paths["/api/notes/{id}"]["get"]["responses"]["200"]>;
export type Revision = Json<paths["/api/notes/{id}/revisions"]["get"]["responses"]["200"]>["items"][number];
export type HighlightList = Json<paths["/api/highlights"]["get"]["responses"]["200"]>;
export type Highlight = HighlightList["items"][number];
export type Location = Highlight["location"];
export type SearchHit = Json<paths["/api/search"]["get"]["responses"]["200"]>["hits"][number];

export const noteKeys = {
  notes: (filter: { bookId?: string; tag?: string }) => ["notes", filter] as const,
  note: (id: string) => ["note", id] as const,
  revisions: (id: string) => ["note", id, "revisions"] as const,
  shares: (id: string) => ["note", id, "shares"] as const,
  highlights: (filter: { bookId?: string; targetId?: string }) => ["highlights", filter] as const,
  search: (q: string, kind?: string) => ["search", q, kind ?? ""] as const,
};

export function fetchNotes(filter: { bookId?: string; tag?: string }) {
  return unwrap(
    api.GET("/api/notes", {
      params: {
        query: {
          limit: 100,
          ...(filter.bookId ? { bookId: filter.bookId } : {}),
          ...(filter.tag ? { tag: filter.tag } : {}),
        },
      },
    }),
  );
}

export function fetchHighlights(filter: { bookId?: string }) {
  return unwrap(
    api.GET("/api/highlights", {
      params: { query: { limit: 200, ...(filter.bookId ? { bookId: filter.bookId } : {}) } },
    }),
  );
}

/** Where a highlight or note is, in words: the server's label, else what the location holds. */
export function locationText(label: string | null, location: Location | null): string {
  if (label) return label;
  if (!location) return "";
  const parts: string[] = [];
  if (location.page)
    parts.push(`p. ${location.page.start}${location.page.end ? `–${location.page.end}` : ""}`);
  if (location.kindle) parts.push(`loc. ${location.kindle.start}–${location.kindle.end}`);
  if (location.chapter) parts.push(location.chapter);
  if (location.percent !== undefined) parts.push(`${Math.round(location.percent)}%`);
  return parts.join(" · ");
}

/** Splits "a, b ,c" into tags. */
export const tagsOf = (text: string) =>
  text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
