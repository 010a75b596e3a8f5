import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The shared real-data folder (`../shared/data` beside the project), or undefined when absent. */
export function sharedData(sub: string): string | undefined {
  const dir = fileURLToPath(new URL(`../../../shared/data/${sub}`, import.meta.url));
  return existsSync(dir) ? dir : undefined;
}
