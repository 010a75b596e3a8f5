import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINES, migratedDatabase } from "../../../test/support/engines.js";
import type { Database, Db } from "./database.js";
import { GroupCommit } from "./group-commit.js";

describe.each(ENGINES)("GroupCommit (%s)", (engine) => {
  let database: Database;
  beforeEach(async () => {
    database = await migratedDatabase(engine);
  });
  afterEach(async () => {
    await database.close();
  });

  const insert = (tx: Db, name: string) =>
    tx.insertInto("leases").values({ name, holder: "h", expires_at: "2026-01-01T00:00:00.000Z" }).execute();
  const names = async () =>
    (await database.db.selectFrom("leases").select("name").orderBy("name").execute()).map((r) => r.name);

  it("runs units queued together in one transaction and gives each caller its own result once committed", async () => {
    const group = new GroupCommit(database.db);
    const seen: Db[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        group.run(async (tx) => {
          seen.push(tx);
          await insert(tx, `u${String(i).padStart(2, "0")}`);
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).not.toBe(database.db);
    expect(await names()).toHaveLength(20);
  });

  it("splits a long queue into groups of at most maxUnits; units queued later never join a committed group", async () => {
    const group = new GroupCommit(database.db, 4);
    const seen: Db[] = [];
    const unit = (name: string) =>
      group.run(async (tx) => {
        seen.push(tx);
        await insert(tx, name);
      });
    const first = Array.from({ length: 10 }, (_, i) => unit(`a${i}`));
    await first[0];
    await Promise.all([...first, unit("b0"), unit("b1")]);
    expect(seen).toHaveLength(12);
    // 10 units in groups of 4, 4, 2; b0 and b1 came later: never in the first group.
    expect(new Set(seen.slice(0, 10)).size).toBe(3);
    expect(seen.slice(10).includes(seen[0]!)).toBe(false);
    expect(await names()).toHaveLength(12);
  });

  it("a failing unit fails only its caller; its writes are rolled back, the others' are committed", async () => {
    const group = new GroupCommit(database.db);
    await insert(database.db, "taken");
    const outcomes = await Promise.allSettled([
      group.run((tx) => insert(tx, "x1")),
      // A constraint violation (aborts the whole transaction on PostgreSQL) ...
      group.run(async (tx) => {
        await insert(tx, "x2");
        await insert(tx, "taken");
      }),
      // ... and a plain throw after writing.
      group.run(async (tx) => {
        await insert(tx, "x3");
        throw new Error("no");
      }),
      group.run((tx) => insert(tx, "x4")),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error("no"));
    expect(await names()).toEqual(["taken", "x1", "x4"]);
  });
});
