import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect } from "react";
import { useLocation } from "wouter";
import { SESSION_EXPIRED } from "../api/client";
import type { components } from "../api/openapi.gen";
import { ProblemError } from "../api/problem";
import { ErrorAlert } from "../components/form";
import { Loading } from "../components/states";
import { fetchMe, keys } from "./query-keys";

export type User = components["schemas"]["User"];

const MeContext = createContext<User | null>(null);

export const meKey = keys.me;

/** The signed-in user (inside <RequireSession>). */
export function useMe(): User {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe outside <RequireSession>");
  return me;
}

export function signInPath(next: string): string {
  return next && next !== "/" && !next.startsWith("/sign-")
    ? `/sign-in?next=${encodeURIComponent(next)}`
    : "/sign-in";
}

/** The place to go back to after signing in: a path on this site only (never another origin). */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/**
 * Shows its children only with a session: without one (or when a call answers 401 later, the session
 * having expired) it sends the person to sign-in, remembering where they were to come back after.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const [location, navigate] = useLocation();
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: meKey, queryFn: fetchMe, retry: false, staleTime: 60_000 });
  const unauthenticated = me.error instanceof ProblemError && me.error.status === 401;

  useEffect(() => {
    const expired = () => {
      const here = window.location.pathname + window.location.search;
      queryClient.removeQueries({ queryKey: meKey });
      navigate(signInPath(here), { replace: true });
    };
    window.addEventListener(SESSION_EXPIRED, expired);
    return () => window.removeEventListener(SESSION_EXPIRED, expired);
  }, [navigate, queryClient]);

  useEffect(() => {
    if (unauthenticated) navigate(signInPath(location + window.location.search), { replace: true });
  }, [unauthenticated, location, navigate]);

  if (me.data) return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
  if (me.error && !unauthenticated)
    return (
      <main className="page" id="main">
        <ErrorAlert error={me.error} />
      </main>
    );
  return (
    <main className="page" id="main">
      <Loading />
    </main>
  );
}
