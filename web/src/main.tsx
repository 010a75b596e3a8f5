import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ProblemError } from "./api/problem";
import { App, preloadRoute } from "./app";
import { prefetchFor } from "./lib/prefetch";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      // A 4xx answer will not change by asking again; network trouble and 5xx get two more tries.
      retry: (count, err) =>
        !(err instanceof ProblemError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

// Start the page's code and data now, not after the session check answers (it is the same round trip).
prefetchFor(queryClient, window.location.pathname);
preloadRoute(window.location.pathname);

const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
