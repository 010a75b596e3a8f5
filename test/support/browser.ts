import { existsSync } from "node:fs";

/** Flags for Debian's Chromium here: headless as root, and no calls home (the network is closed). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The system Chromium (never a downloaded browser): CHROMIUM_PATH, else /usr/bin/chromium; null when absent. */
export function chromiumPath(): string | null {
  const path = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  return existsSync(path) ? path : null;
}
