import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ComponentType, ReactNode } from "react";
import { Route, Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { RequireSession } from "../lib/session";
import { fakeApi, json } from "./fake-api";

/** Renders inside a fresh query cache and an in-memory router at `path`. */
export function renderApp(ui: ReactNode, path = "/") {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const location = memoryLocation({ path, record: true });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <Router hook={location.hook} searchHook={location.searchHook}>
        {ui}
      </Router>
    </QueryClientProvider>,
  );
  return { ...result, queryClient, location };
}

export const TEST_USER = {
  id: "u1",
  email: "ann@example.com",
  name: "Ann",
  role: "user",
  timezone: "UTC",
  createdAt: "2026-01-01T00:00:00Z",
  disabledAt: null,
};

/** Renders a page as the signed-in TEST_USER (GET /api/me answers it), routed at `pattern`. */
export function renderPage(component: ComponentType, pattern: string, path: string) {
  fakeApi.on("GET /api/me", () => json(TEST_USER));
  return renderApp(
    <RequireSession>
      <Route path={pattern} component={component} />
    </RequireSession>,
    path,
  );
}
