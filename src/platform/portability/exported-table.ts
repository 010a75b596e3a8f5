import { type TObject, type TSchema, Type } from "@sinclair/typebox";
import type { Kysely, SelectQueryBuilder } from "kysely";

/**
 * One table of what a user owns, as the full export writes it and the restore reads it back. Each module
 * declares its own (ModuleParts.exportTables); the export module gathers them in module order, which puts
 * parents before children.
 *
 * Columns are the table's, without owner_id, named in camelCase in the document (total_pages →
 * totalPages); `json` columns hold JSON text in the database and a JSON value in the document. Each field
 * uses the rule the API applies where it creates the value, so a restore accepts only what the API could
 * have stored.
 */
export interface ExportedTable {
  /** The document's field. */
  key: string;
  table: string;
  /** A unique, stable order (keyset pagination while streaming). */
  orderBy: readonly string[];
  /** The row as written in the document (camelCase). */
  row: TObject;
  /** Columns holding another exported row's id: column (camelCase) → the table (key) it names. */
  refs: Readonly<Record<string, string>>;
  /** Columns stored as JSON text. */
  json?: readonly string[];
  /** Columns stored as 0/1 integers, booleans in the document. */
  booleans?: readonly string[];
  /** The column naming the account a row belongs to (default owner_id): a restore sets it to the restoring one. */
  ownerColumn?: string;
  /**
   * The owner's rows, when they are not simply every row whose owner column names them (the clubs a user
   * owns, say): a query of this table alone, selecting the document's columns under their own names. Read
   * by the export and by the restore's "the account is empty" check.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a query of the module's own table
  ownedRows?(db: Kysely<any>, ownerId: string): SelectQueryBuilder<any, any, any>;
  /**
   * Fills the columns a restored row does not carry (derived from the others, or absent from documents
   * written by an earlier version), given the database row made from the document row.
   */
  complete?(row: Record<string, unknown>): Record<string, unknown>;
}

/** A table derived from others (sums kept by the same writes): not exported, rebuilt for the owner by a restore. */
export interface DerivedTable {
  table: string;
  /** Runs inside the restore's transaction, after every exported row is written. */
  // biome-ignore lint/suspicious/noExplicitAny: it reads and writes tables of its own module
  rebuild(db: Kysely<any>, ownerId: string): Promise<void>;
}

/** A document row: exactly these fields. */
export const exportRow = (props: Record<string, TSchema>) =>
  Type.Object(props, { additionalProperties: false });
export const orNull = (t: TSchema) => Type.Union([t, Type.Null()]);
