import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./boot";
import { App } from "./app";
import { queryClient } from "./query-client";
import "./styles.css";

// The app, drawn with the query cache the boot script (boot.ts, run first) has started filling.
const root = document.getElementById("root");
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
