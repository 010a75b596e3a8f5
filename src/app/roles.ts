import { InvalidArgumentError } from "commander";

/**
 * What one `readlog serve` process does: answer HTTP, keep clients' WebSockets (live updates, club chat;
 * notes edited together in `collab`), run jobs, turn schedules into jobs.
 */
export const ROLES = ["api", "realtime", "collab", "worker", "scheduler"] as const;
export type Role = (typeof ROLES)[number];

/** Parses `--roles api,worker`: known names, at least one, no repeats. */
export function parseRoles(raw: string): Role[] {
  const names = raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`name at least one of ${ROLES.join(", ")}`);
  for (const n of names)
    if (!(ROLES as readonly string[]).includes(n))
      throw new InvalidArgumentError(`unknown role "${n}"; roles are ${ROLES.join(", ")}`);
  return [...new Set(names)] as Role[];
}
