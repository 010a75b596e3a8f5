/**
 * Query keys and fetchers of the data several pages share, without React: the boot script (src/boot.ts)
 * starts them before the app's code has loaded, and the pages' hooks (lib/queries.ts) ask for the same keys,
 * so they find the answers in the cache instead of asking again.
 */
import { api, unwrap } from "../api/client";
import { addDays } from "./format";

export const keys = {
  me: ["me"] as const,
  stats: ["stats"] as const,
  pagesByMonth: ["pages-by-month"] as const,
  yearInBooks: (year: number) => ["stats-year", year] as const,
  day: (date: string) => ["day", date] as const,
  days: (from: string, to: string) => ["days", from, to] as const,
  books: ["books"] as const,
  book: (id: string) => ["book", id] as const,
};

export const fetchMe = () => unwrap(api.GET("/api/me"));
export const fetchStats = () => unwrap(api.GET("/api/stats"));
export const fetchPagesByMonth = () => unwrap(api.GET("/api/stats/pages-by-month"));
export const fetchYearInBooks = (year: number) =>
  unwrap(api.GET("/api/stats/years/{year}", { params: { path: { year } } }));
export const fetchDay = (date: string) => unwrap(api.GET("/api/days/{date}", { params: { path: { date } } }));
export const fetchDays = (from: string, to: string) =>
  unwrap(api.GET("/api/days", { params: { query: { from, to } } }));

/** Days shown by the dashboard's pages-per-day chart. */
export const SHOWN_DAYS = 90;

/** The dashboard's days: 29 more than shown, so the 30-day average has a full window from the first bar on. */
export function pagesPerDayFrom(today: string): string {
  return addDays(today, -(SHOWN_DAYS + 29 - 1));
}
