import type { QueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { keys } from "./queries";
import { fetchMe, meKey } from "./session";

/**
 * Asks for the data of the page the app starts on while the session check and the page's code load, so the
 * first screen waits for one round trip less. Without a session these answer 401 and the page asks again
 * after sign-in.
 */
export function prefetchFor(queryClient: QueryClient, path: string): void {
  // First: every page waits for it, and the browser opens only six connections to the server at once.
  if (!path.startsWith("/sign-"))
    void queryClient.prefetchQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 });
  if (path === "/" || path === "/stats")
    void queryClient.prefetchQuery({ queryKey: keys.stats, queryFn: () => unwrap(api.GET("/api/stats")) });
  if (path === "/stats")
    void queryClient.prefetchQuery({
      queryKey: ["pages-by-month"],
      queryFn: () => unwrap(api.GET("/api/stats/pages-by-month")),
    });
}
