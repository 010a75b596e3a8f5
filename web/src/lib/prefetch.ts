import type { QueryClient } from "@tanstack/react-query";
import { todayIn } from "./format";
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

/** The queries of the page `path` that depend on the user's today (the dashboard's days and year in books, Today's day). */
function prefetchForDay(queryClient: QueryClient, path: string, today: string): void {
  if (path === "/") {
    void queryClient.prefetchQuery({ queryKey: keys.day(today), queryFn: () => fetchDay(today) });
    return;
  }
  const from = pagesPerDayFrom(today);
  const year = Number(today.slice(0, 4));
  void queryClient.prefetchQuery({ queryKey: keys.days(from, today), queryFn: () => fetchDays(from, today) });
  void queryClient.prefetchQuery({ queryKey: keys.yearInBooks(year), queryFn: () => fetchYearInBooks(year) });
}

/**
 * Asks for the data of the page the app starts on, from the boot script, while the app's code (React and
 * the page) downloads and runs, so the first screen waits for none of its requests in a row. What depends
 * on the user's today (the dashboard's days and year in books, Today's day) is asked for as soon as
 * `/api/me` answers, with the today of the user's time zone on this browser's clock: it leaves while the
 * stats (the slowest request of a big account) are still being computed, not after them. The stats' own
 * `today` (the server's clock) is what the page uses; when it differs (the clocks disagree around
 * midnight), those requests are made again for it. Without a session these answer 401 and the page asks
 * again after sign-in.
 */
export function prefetchFor(queryClient: QueryClient, path: string): void {
  // First: every page waits for it, and the browser opens only six connections to the server at once.
  const me = path.startsWith("/sign-")
    ? undefined
    : queryClient.fetchQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: 60_000 });
  me?.catch(() => {
    // The page shows the error when it asks (after sign-in, for a 401).
  });
  if (!me || (path !== "/" && path !== "/stats")) return;
  const stats = queryClient.fetchQuery({ queryKey: keys.stats, queryFn: fetchStats });
  if (path === "/stats")
    void queryClient.prefetchQuery({ queryKey: keys.pagesByMonth, queryFn: fetchPagesByMonth });
  // Each day's queries are asked for once (whichever of the two answers first).
  const asked = new Set<string>();
  const ask = (today: string) => {
    if (asked.has(today)) return;
    asked.add(today);
    prefetchForDay(queryClient, path, today);
  };
  me.then(
    ({ timezone }) => {
      let today: string;
      try {
        today = todayIn(timezone);
      } catch {
        return; // A time zone this browser does not know: the stats' today will do.
      }
      ask(today);
    },
    () => {},
  );
  stats.then(
    ({ today }) => ask(today),
    () => {
      // The page shows the error when it asks (after sign-in, for a 401).
    },
  );
}
