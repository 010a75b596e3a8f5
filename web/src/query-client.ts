import { QueryClient } from "@tanstack/react-query";
import { ProblemError } from "./api/problem";

/** The app's one query cache: the boot script (boot.ts) fills it, the app (main.tsx) reads it. */
export const queryClient = new QueryClient({
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
