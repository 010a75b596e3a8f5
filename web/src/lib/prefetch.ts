import type { QueryClient } from "@tanstack/react-query";
import {
  fetchDay,
  fetchDays,
  fetchMe,
  fetchPagesByMonth,
  fetchStats,
  fetchYearInBooks,
  keys,
  pagesPerDayFrom,
} from "./query-keys";

/**
 * Asks for the data of the page the app starts on, from the boot script, while the app's code (React and
 * the page) downloads and runs, so the first screen waits for none of its requests in a row: what depends on
 * the stats' `today` (the dashboard's days and year in books, Today's day) is asked for the moment the stats
 * answer, not after React has drawn the page with them. Without a session these answer 401 and the page
 * asks again after sign-in.
 */
export function prefetchFor(queryClient: QueryClient, path: string): void {
  // First: every page waits for it, and the browser opens only six connections to the server at once.
  if (!path.startsWith("/sign-"))
    void queryClient.prefetchQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: 60_000 });
  if (path !== "/" && path !== "/stats") return;
  const stats = queryClient.fetchQuery({ queryKey: keys.stats, queryFn: fetchStats });
  if (path === "/stats")
    void queryClient.prefetchQuery({ queryKey: keys.pagesByMonth, queryFn: fetchPagesByMonth });
  stats.then(
    ({ today }) => {
      if (path === "/") {
        void queryClient.prefetchQuery({ queryKey: keys.day(today), queryFn: () => fetchDay(today) });
        return;
      }
      const from = pagesPerDayFrom(today);
      const year = Number(today.slice(0, 4));
      void queryClient.prefetchQuery({
        queryKey: keys.days(from, today),
        queryFn: () => fetchDays(from, today),
      });
      void queryClient.prefetchQuery({
        queryKey: keys.yearInBooks(year),
        queryFn: () => fetchYearInBooks(year),
      });
    },
    () => {
      // The page shows the error when it asks (after sign-in, for a 401).
    },
  );
}
