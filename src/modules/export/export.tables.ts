import { type TSchema, Type } from "@sinclair/typebox";
import { Instant } from "../../platform/http/responses.js";
import type { ExportedTable } from "../../platform/portability/exported-table.js";
import { Name, TimeZone } from "../users/users.schemas.js";

export type { ExportedTable };

/*
 * What a user owns comes from the modules (ModuleParts.exportTables), gathered in module order (parents
 * before children). Each field uses the rule the API applies where it creates the value, imported from the
 * owning module: a restore accepts only what the API could have stored (issue 11). The rules between rows
 * (links, one current read-through, no correction cycles…) are in restore-checks.ts.
 *
 * Deliberately not exported: channel_links, channel_codes and messages are bound to a provider address (a
 * WhatsApp number can be linked to one account only, provider ids are unique), so a restore would collide
 * with the original account; sessions, tokens and the password never leave the server.
 */

/** Most rows of one table in a document: far above any library, and a cap for the validator. */
const ROWS_MAX = 1_000_000;

export const toColumn = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A database row (owner_id dropped) as the document writes it. */
export function toDocumentRow(t: ExportedTable, dbRow: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(t.row.properties)) {
    const v = dbRow[toColumn(field)];
    out[field] =
      t.json?.includes(field) && typeof v === "string"
        ? JSON.parse(v)
        : t.booleans?.includes(field)
          ? Boolean(v)
          : v;
  }
  return out;
}

/** The fields of a row schema that hold an instant (alone or nullable), per table. */
const instants = new WeakMap<ExportedTable, Set<string>>();
function instantFields(t: ExportedTable): Set<string> {
  let set = instants.get(t);
  if (!set) {
    const isInstant = (s: TSchema): boolean =>
      s.format === "date-time" || ((s.anyOf ?? []) as TSchema[]).some((x) => x.format === "date-time");
    set = new Set(Object.entries(t.row.properties).flatMap(([f, s]) => (isInstant(s) ? [f] : [])));
    instants.set(t, set);
  }
  return set;
}

/**
 * A document row as a database row of `ownerId`. Instants are stored as the API stores them (UTC,
 * `toISOString`), so that rows compare in time order on SQLite too ("…T10:00:00+02:00" would not).
 */
export function toDatabaseRow(
  t: ExportedTable,
  docRow: Record<string, unknown>,
  ownerId: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { [t.ownerColumn ?? "owner_id"]: ownerId };
  const times = instantFields(t);
  for (const field of Object.keys(t.row.properties)) {
    const v = docRow[field];
    out[toColumn(field)] = t.json?.includes(field)
      ? JSON.stringify(v)
      : t.booleans?.includes(field)
        ? v
          ? 1
          : 0
        : typeof v === "string" && times.has(field)
          ? new Date(v).toISOString()
          : v;
  }
  return t.complete ? t.complete(out) : out;
}

export const EXPORT_FORMAT = "readlog-export";
export const EXPORT_VERSION = 1;

/** The whole document for these tables, for validating a restore and describing both routes in OpenAPI. */
export function exportDocumentSchema(tables: readonly ExportedTable[]) {
  return Type.Object(
    {
      format: Type.Literal(EXPORT_FORMAT),
      version: Type.Integer({
        minimum: 1,
        description: `This server writes and reads version ${EXPORT_VERSION}`,
      }),
      exportedAt: Instant,
      user: Type.Object(
        {
          id: Type.String({ maxLength: 64 }),
          email: Type.String({ maxLength: 254 }),
          name: Name,
          timezone: TimeZone,
          createdAt: Instant,
        },
        { additionalProperties: false },
      ),
      ...Object.fromEntries(tables.map((t) => [t.key, Type.Array(t.row, { maxItems: ROWS_MAX })])),
    },
    {
      $id: "ReadlogExport",
      description:
        "Everything one user owns (no password, sessions or tokens). A key this server does not know is " +
        "refused, not dropped: a restore is lossless or does not happen",
      additionalProperties: false,
    },
  );
}
