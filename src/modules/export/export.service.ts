import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import type { Kysely } from "kysely";
import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { conflict, invalidField } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import type { DerivedTable } from "../../platform/portability/exported-table.js";
import { credentialsChanged } from "../auth/auth.service.js";
import { orderedIds } from "../imports/ordered-ids.js";
import { checkTimeZone } from "../users/timezone.js";
import type { UserProfile } from "../users/users.repo.js";
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportedTable,
  toDatabaseRow,
  toDocumentRow,
} from "./export.tables.js";
import { checkDocument, type DocTables } from "./restore-checks.js";

/** Rows per query while exporting and per INSERT while restoring. */
const PAGE = 500;

type DocRow = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the tables come from a list; one generic loop serves them all
type AnyDb = Kysely<any>;
type Db = AnyDb;
export type ExportDocumentValue = {
  format: string;
  version: number;
  user: { name: string; timezone: string };
} & Record<string, unknown>;

export interface RestoreResult {
  /** Rows restored per exported table. */
  counts: Record<string, number>;
  /** False when some id was already taken on this server, so every id was replaced (links kept). */
  idsKept: boolean;
}

/**
 * The full export (a versioned JSON document of everything a user owns, streamed in pages) and its
 * restore into an empty account. The tables come from the single list in export.tables.ts.
 */
export class ExportService {
  private readonly clock: Clock;

  private exported: readonly ExportedTable[] | undefined;
  private derived: readonly DerivedTable[] = [];

  constructor(private readonly d: { uow: UnitOfWork; clock: Clock; events: EventLog }) {
    this.clock = d.clock;
  }

  /** Takes the tables every module exports (in module order: parents first) and the derived ones. */
  useTables(tables: readonly ExportedTable[], derived: readonly DerivedTable[]): void {
    const keys = new Set<string>();
    for (const t of tables) {
      if (keys.has(t.key)) throw new Error(`exported table "${t.key}" is declared twice`);
      keys.add(t.key);
    }
    for (const t of tables)
      for (const target of Object.values(t.refs))
        if (!keys.has(target))
          throw new Error(`exported table "${t.key}" refers to "${target}", which no module exports`);
    this.exported = tables;
    this.derived = derived;
  }

  /** What the export holds, in order (available once the app is assembled). */
  tables(): readonly ExportedTable[] {
    if (!this.exported) throw new Error("the exported tables are gathered when the app is assembled");
    return this.exported;
  }

  /**
   * The user's export as a stream of JSON text, written page by page with backpressure. On PostgreSQL
   * it reads one repeatable-read snapshot; SQLite has one connection shared by every request, so pages
   * are read one query at a time between other requests' queries rather than holding it for the download.
   */
  exportStream(actor: Actor, user: UserProfile): Readable {
    if (actor.userId !== user.id) throw new Error("exportStream: the profile must be the actor's");
    const out = new PassThrough();
    const write = async (s: string) => {
      if (!out.write(s)) await once(out, "drain");
    };
    const run = async (db: Db) => {
      const head = {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exportedAt: this.clock.now().toISOString(),
        user: {
          id: user.id,
          email: user.email,
          name: user.name,
          timezone: user.timezone,
          createdAt: user.created_at,
        },
      };
      await write(JSON.stringify(head).slice(0, -1));
      for (const t of this.tables()) {
        await write(`,${JSON.stringify(t.key)}:[`);
        let first = true;
        for await (const rows of pages(db, t, user.id)) {
          const text = rows.map((r) => JSON.stringify(toDocumentRow(t, r))).join(",");
          await write(first ? text : `,${text}`);
          first = false;
        }
        await write("]");
      }
      await write("}\n");
    };
    // A stream outlives the request's scope: it reads on the database itself, never in a caller's unit.
    const root = this.d.uow.root;
    const done = this.d.uow.outside(() =>
      this.d.uow.kind === "postgres"
        ? root.transaction().setIsolationLevel("repeatable read").execute(run)
        : run(root),
    );
    done.then(
      () => out.end(),
      (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
    );
    return out;
  }

  /**
   * Restores an export into `user`'s account, which must own nothing yet (409 otherwise), in one
   * transaction. Ids are kept when none is taken on this server, else all are replaced by new ones in the
   * same order (a book's read-throughs are listed by id), with every link (book, read-through, superseded
   * entry, current read-through) rewritten. The account's name and time zone are taken from the document.
   */
  async restore(actor: Actor, doc: ExportDocumentValue): Promise<RestoreResult> {
    requireScope(actor, "write");
    const user = { id: actor.userId };
    if (doc.format !== EXPORT_FORMAT)
      throw invalidField("/body/format", "const", `Not a ${EXPORT_FORMAT} document`);
    if (doc.version !== EXPORT_VERSION)
      throw invalidField(
        "/body/version",
        "version",
        `Export version ${doc.version} is not supported: this server reads version ${EXPORT_VERSION}`,
      );
    checkTimeZone(doc.user.timezone, "/body/user/timezone");
    const tables = this.tables().map((t) => ({ t, rows: (doc[t.key] ?? []) as DocRow[] }));
    checkDocument(tables, { zone: doc.user.timezone, now: this.clock.now() }).throwIfAny();

    return this.write(user, doc, tables);
  }

  /** Writes a checked document in one unit of work, with the user.changed event (the profile is replaced). */
  private async write(
    user: { id: string },
    doc: ExportDocumentValue,
    tables: DocTables,
  ): Promise<RestoreResult> {
    return this.d.uow.transaction(async () => {
      const any: AnyDb = this.d.uow.db;
      const tx = any;
      for (const { t } of tables) {
        const owned = await ownedBy(any, t, user.id).limit(1).execute();
        if (owned.length > 0)
          throw conflict(
            `Your account already has ${t.key}: a Readlog export is restored into an empty account only`,
          );
      }
      const idsKept = !(await this.anyIdTaken(any, tables));
      const map = idsKept ? undefined : newIdMap(tables, this.clock.now().getTime());
      const counts: Record<string, number> = {};
      for (const { t, rows } of tables) {
        const dbRows = rows.map((r) => toDatabaseRow(t, map ? remap(t, r, map) : r, user.id));
        for (let i = 0; i < dbRows.length; i += PAGE)
          await any
            .insertInto(t.table)
            .values(dbRows.slice(i, i + PAGE))
            .execute();
        counts[t.key] = rows.length;
      }
      await tx
        .updateTable("users")
        .set({ name: doc.user.name, timezone: doc.user.timezone })
        .where("id", "=", user.id)
        .execute();
      for (const d of this.derived) await d.rebuild(tx, user.id);
      await credentialsChanged(this.d.events, user.id, "restored");
      return { counts, idsKept };
    });
  }

  private async anyIdTaken(db: AnyDb, tables: { t: ExportedTable; rows: DocRow[] }[]): Promise<boolean> {
    for (const { t, rows } of tables) {
      if (!("id" in t.row.properties)) continue;
      for (let i = 0; i < rows.length; i += PAGE) {
        const ids = rows.slice(i, i + PAGE).map((r) => r.id as string);
        const taken = await db.selectFrom(t.table).select("id").where("id", "in", ids).limit(1).execute();
        if (taken.length > 0) return true;
      }
    }
    return false;
  }
}

/** The query of one owner's rows of a table. */
function ownedBy(db: AnyDb, t: ExportedTable, ownerId: string) {
  return t.ownedRows
    ? t.ownedRows(db, ownerId)
    : db
        .selectFrom(t.table)
        .selectAll()
        .where(t.ownerColumn ?? "owner_id", "=", ownerId);
}

/** One owner's rows of a table in pages, by keyset on `orderBy`. */
async function* pages(db: Db, t: ExportedTable, ownerId: string): AsyncGenerator<DocRow[]> {
  const any = db as unknown as AnyDb;
  let after: unknown[] | undefined;
  for (;;) {
    let q = ownedBy(any, t, ownerId).limit(PAGE);
    // One orderBy per column: Kysely's orderBy(array) is deprecated and says so on stdout, a non-JSON log line.
    for (const column of t.orderBy) q = q.orderBy(column);
    if (after) {
      const cols = t.orderBy;
      const key = after;
      q =
        cols.length === 1
          ? q.where(cols[0]!, ">", key[0])
          : q.where((eb) => eb(eb.refTuple(cols[0]!, cols[1]!), ">", eb.tuple(key[0], key[1])));
    }
    const rows = (await q.execute()) as DocRow[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = t.orderBy.map((c) => last[c]);
  }
}

type IdMaps = Map<string, Map<string, string>>;

/** New ids for every row with one, allocated in each table's id order so listings keep their order. */
function newIdMap(tables: { t: ExportedTable; rows: DocRow[] }[], now: number): IdMaps {
  const next = orderedIds(now);
  const maps: IdMaps = new Map();
  for (const { t, rows } of tables) {
    if (!("id" in t.row.properties)) continue;
    const map = new Map<string, string>();
    for (const id of rows.map((r) => r.id as string).sort()) map.set(id, next());
    maps.set(t.key, map);
  }
  return maps;
}

function remap(t: ExportedTable, r: DocRow, maps: IdMaps): DocRow {
  const out = { ...r };
  if (typeof out.id === "string") out.id = maps.get(t.key)?.get(out.id);
  for (const [field, target] of Object.entries(t.refs)) {
    const v = out[field];
    if (typeof v === "string") out[field] = maps.get(target)?.get(v);
  }
  return out;
}
