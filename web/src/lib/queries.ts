/** Query keys and fetchers shared by several pages (so one page's write refreshes the others). */
import { type QueryClient, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";
import { fetchDay, fetchDays, fetchStats, keys } from "./query-keys";

export { keys } from "./query-keys";

export type Book = paths["/api/books/{id}"]["get"]["responses"]["200"]["content"]["application/json"];
export type Stats = paths["/api/stats"]["get"]["responses"]["200"]["content"]["application/json"];
export type Day = paths["/api/days/{date}"]["get"]["responses"]["200"]["content"]["application/json"];
export type DayRange = paths["/api/days"]["get"]["responses"]["200"]["content"]["application/json"];
export type Status = Book["status"];
export type ProgressAnswer =
  paths["/api/books/{id}/progress"]["post"]["responses"]["201"]["content"]["application/json"];
export type ProgressBody = NonNullable<
  paths["/api/books/{id}/progress"]["post"]["requestBody"]
>["content"]["application/json"];

export const SHELVES: { status: Status; label: string }[] = [
  { status: "reading", label: "Reading" },
  { status: "wishlist", label: "Want to read" },
  { status: "paused", label: "Paused" },
  { status: "finished", label: "Finished" },
  { status: "abandoned", label: "Abandoned" },
];

/** How a book's highlights come to review (the user's setting, or a book's own). */
export type HighlightMode =
  paths["/api/reviews/settings"]["get"]["responses"]["200"]["content"]["application/json"]["highlightCards"];
export const HIGHLIGHT_MODES: { value: HighlightMode; label: string }[] = [
  { value: "highlight", label: "Each highlight its own card" },
  { value: "book", label: "One card per book, a few highlights at a time" },
  { value: "off", label: "Not in review" },
];

export const shelfLabel = (s: Status) => SHELVES.find((x) => x.status === s)?.label ?? s;

export function useStats() {
  return useQuery({ queryKey: keys.stats, queryFn: fetchStats });
}

export function useDay(date: string | undefined) {
  return useQuery({
    queryKey: keys.day(date ?? ""),
    queryFn: () => fetchDay(date ?? ""),
    enabled: Boolean(date),
  });
}

export function useDays(from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: keys.days(from, to),
    queryFn: () => fetchDays(from, to),
    enabled,
  });
}

export function logProgress(bookId: string, body: ProgressBody) {
  return unwrap(
    api.POST("/api/books/{id}/progress", {
      params: { path: { id: bookId } },
      body: { source: "web", ...body },
    }),
  );
}

/** After any change to the reading log: every derived view (stats, days, the book) is stale. */
export function invalidateReadingLog(queryClient: QueryClient, bookId?: string) {
  void queryClient.invalidateQueries({ queryKey: keys.stats });
  void queryClient.invalidateQueries({ queryKey: ["day"] });
  void queryClient.invalidateQueries({ queryKey: ["days"] });
  void queryClient.invalidateQueries({ queryKey: ["stats-year"] });
  void queryClient.invalidateQueries({ queryKey: keys.pagesByMonth });
  void queryClient.invalidateQueries({ queryKey: keys.books });
  if (bookId) void queryClient.invalidateQueries({ queryKey: keys.book(bookId) });
}
