import type { Migrations } from "../platform/db/migration.js";
import { PLATFORM_MIGRATIONS } from "../platform/migrations.js";
import { MODULES } from "./modules.js";

/** The platform's migrations and every module's, by name; a name given twice is a programming error. */
export function allMigrations(): Migrations {
  const all: Record<string, Migrations[string]> = { ...PLATFORM_MIGRATIONS };
  for (const m of MODULES)
    for (const [name, step] of Object.entries(m.migrations ?? {})) {
      if (all[name]) throw new Error(`migration "${name}" is declared twice (module ${m.name})`);
      all[name] = step;
    }
  return all;
}
