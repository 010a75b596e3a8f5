/**
 * `rows` in slices of at most `size`, one statement each: a multi-row INSERT binds a parameter per column
 * per row, and SQLite binds at most 32,766 in one statement (PostgreSQL 65,535), so 500 rows keep every
 * table of the app well under both.
 */
export function chunks<T>(rows: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
