/**
 * The one HTTP client of the app, typed from openapi.json (src/api/openapi.gen.ts is generated from it by
 * `npm run api:types`, which build, typecheck, dev and test run first): a server change that breaks a call
 * breaks the typecheck.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./openapi.gen";
import { isProblem, ProblemError } from "./problem";

export const CSRF_COOKIE = "readlog_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** Fired when an authenticated call answers 401: the session ended, the app sends the person to sign-in. */
export const SESSION_EXPIRED = "readlog:session-expired";

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

const session: Middleware = {
  onRequest({ request }) {
    // Cookie-authenticated writes must echo the CSRF cookie (the server checks it against the session).
    if (request.method !== "GET" && request.method !== "HEAD") {
      const csrf = readCookie(CSRF_COOKIE);
      if (csrf) request.headers.set(CSRF_HEADER, csrf);
    }
    return request;
  },
  onResponse({ request, response }) {
    const path = new URL(request.url).pathname;
    if (response.status === 401 && !path.startsWith("/api/auth/")) {
      window.dispatchEvent(new CustomEvent(SESSION_EXPIRED));
    }
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  credentials: "same-origin",
});
api.use(session);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or a ProblemError carrying the server's problem document. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    throw new ProblemError({
      type: "about:blank",
      title: "The server could not be reached",
      status: 0,
      detail: err instanceof Error ? err.message : "Network error; check your connection and try again.",
    });
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  if (isProblem(error)) throw new ProblemError(error);
  throw new ProblemError({
    type: "about:blank",
    title: response.statusText || "Request failed",
    status: response.status,
    detail: `The server answered ${response.status}.`,
  });
}
