// The first of index.html's two scripts: small and without React, so the page's data and code are on their
// way while the app's script (main.tsx: React, the router, Today) downloads and runs. Module scripts run in
// the order of the page, this one as soon as its own few modules are here.
import { prefetchFor } from "./lib/prefetch";
import { queryClient } from "./query-client";
import { preloadRoute } from "./routes";

prefetchFor(queryClient, window.location.pathname);
preloadRoute(window.location.pathname);
