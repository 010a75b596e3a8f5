import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINES, migratedDatabase } from "../../../test/support/engines.js";
import type { Database } from "./database.js";
import { type Collector, UnitOfWork } from "./unit-of-work.js";

describe.each(ENGINES)("UnitOfWork (%s)", (engine) => {
  let database: Database;
  let uow: UnitOfWork;
  beforeEach(async () => {
    database = await migratedDatabase(engine);
    // Group commit on both engines here, so its behaviour is proven on each.
    uow = new UnitOfWork(database.db, database.kind, { groupCommit: true });
  });
  afterEach(async () => {
    await database.close();
  });

  // Queries through uow.db: the current transaction when there is one.
  const insert = (name: string) =>
    uow.db
      .insertInto("leases")
      .values({ name, holder: "h", expires_at: "2026-01-01T00:00:00.000Z" })
      .execute();
  const names = async () =>
    (await database.db.selectFrom("leases").select("name").orderBy("name").execute()).map((r) => r.name);

  it("nested transactions join the outermost one; only its end commits", async () => {
    const seen: unknown[] = [];
    await uow.transaction(async () => {
      seen.push(uow.db);
      await insert("a");
      await uow.transaction(async () => {
        seen.push(uow.db);
        await insert("b");
      });
      expect(uow.active).toBe(true);
    });
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).not.toBe(database.db);
    expect(uow.active).toBe(false);
    expect(uow.db).toBe(database.db);
    expect(await names()).toEqual(["a", "b"]);
  });

  it("a throw anywhere inside rolls back the whole unit, nested parts included", async () => {
    await expect(
      uow.transaction(async () => {
        await insert("a");
        await uow.transaction(async () => insert("b"));
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(await names()).toEqual([]);
  });

  it("afterCommit runs once the outermost transaction has committed, in order, and never after a rollback", async () => {
    const log: string[] = [];
    await uow.transaction(async () => {
      uow.afterCommit(() => {
        log.push("first");
      });
      await uow.transaction(async () => {
        uow.afterCommit(async () => {
          // The commit is visible to other readers by now.
          log.push(`second:${(await names()).join(",")}`);
        });
        await insert("x");
      });
      log.push("end of work");
    });
    expect(log).toEqual(["end of work", "first", "second:x"]);

    const rolledBack: string[] = [];
    await uow
      .transaction(async () => {
        uow.afterCommit(() => {
          rolledBack.push("ran");
        });
        throw new Error("rollback");
      })
      .catch(() => {});
    expect(rolledBack).toEqual([]);
  });

  it("a failing hook is logged and does not stop the others or the caller", async () => {
    const errors: unknown[] = [];
    const logged = new UnitOfWork(database.db, database.kind, { log: { error: (o) => errors.push(o) } });
    const ran: string[] = [];
    await logged.transaction(async () => {
      logged.afterCommit(() => {
        throw new Error("hook broke");
      });
      logged.afterCommit(() => {
        ran.push("after");
      });
    });
    expect(ran).toEqual(["after"]);
    expect(errors).toHaveLength(1);
  });

  it("afterCommit outside a transaction runs at once", async () => {
    const ran: string[] = [];
    uow.afterCommit(() => {
      ran.push("now");
    });
    await Promise.resolve();
    expect(ran).toEqual(["now"]);
  });

  it("grouped: units queued together share one transaction and each caller gets its own result after the commit", async () => {
    const seen = new Set<unknown>();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        uow.grouped(async () => {
          seen.add(uow.db);
          await insert(`u${String(i).padStart(2, "0")}`);
          return i * 10;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(seen.size).toBe(1);
    expect(await names()).toHaveLength(20);
  });

  it("grouped: a failing unit fails only its caller; the others commit; hooks of rolled-back attempts are dropped", async () => {
    await insert("taken");
    const hooks: string[] = [];
    const unit = (name: string, fail?: "constraint" | "throw") =>
      uow.grouped(async () => {
        uow.afterCommit(() => {
          hooks.push(name);
        });
        await insert(name);
        if (fail === "constraint") await insert("taken");
        if (fail === "throw") throw new Error("no");
      });
    const outcomes = await Promise.allSettled([
      unit("x1"),
      // A constraint violation (aborts the whole transaction on PostgreSQL) ...
      unit("x2", "constraint"),
      // ... and a plain throw after writing.
      unit("x3", "throw"),
      unit("x4"),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toEqual(new Error("no"));
    expect(await names()).toEqual(["taken", "x1", "x4"]);
    // x1 and x4 ran twice (the group, then alone); each hook ran once, for the attempt that committed.
    expect(hooks.sort()).toEqual(["x1", "x4"]);
  });

  /** A collector that writes one lease row per flush, named after the items, and logs its flushes. */
  const collector = () => {
    const flushes: string[][] = [];
    const c: Collector<string> = {
      flush: async (items) => {
        flushes.push(items);
        expect(uow.active).toBe(true);
        await insert(`batch:${items.join("+")}`);
        uow.afterCommit(() => {
          flushes.push(["committed"]);
        });
      },
    };
    return { c, flushes };
  };

  it("collect: items gathered over a transaction are flushed once, inside it, just before it commits", async () => {
    const { c, flushes } = collector();
    await uow.transaction(async () => {
      await uow.collect(c, "a");
      await insert("between");
      await uow.transaction(() => uow.collect(c, "b"));
      expect(flushes).toEqual([]);
    });
    expect(flushes).toEqual([["a", "b"], ["committed"]]);
    expect(await names()).toEqual(["batch:a+b", "between"]);
    // Outside a transaction: flushed at once in one of its own.
    await uow.collect(c, "alone");
    expect(await names()).toContain("batch:alone");
  });

  it("collect: a rollback drops the items (and a flush that throws rolls the transaction back)", async () => {
    const { c, flushes } = collector();
    await expect(
      uow.transaction(async () => {
        await uow.collect(c, "x");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(flushes).toEqual([]);
    const failing: Collector<string> = {
      flush: async () => {
        throw new Error("flush failed");
      },
    };
    await expect(
      uow.transaction(async () => {
        await insert("undone");
        await uow.collect(failing, "y");
      }),
    ).rejects.toThrow("flush failed");
    expect(await names()).toEqual([]);
  });

  it("collect: the units of a group commit are flushed together; a unit that failed the group is flushed alone", async () => {
    const { c, flushes } = collector();
    await insert("taken");
    const unit = (name: string, fail?: boolean) =>
      uow.grouped(async () => {
        await uow.collect(c, name);
        if (fail) await insert("taken");
      });
    await Promise.all([unit("g1"), unit("g2"), unit("g3")]);
    expect(flushes).toEqual([["g1", "g2", "g3"], ["committed"]]);
    flushes.length = 0;
    const outcomes = await Promise.allSettled([unit("h1"), unit("h2", true), unit("h3")]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    // The group rolled back (its flush with it); each unit then ran alone with its own items.
    expect(await names()).toEqual(["batch:g1+g2+g3", "batch:h1", "batch:h3", "taken"]);
    expect(flushes.filter((f) => f[0] === "committed")).toHaveLength(2);
  });

  it("grouped inside a transaction joins it", async () => {
    await uow.transaction(async () => {
      const outer = uow.db;
      await uow.grouped(async () => {
        expect(uow.db).toBe(outer);
        await insert("joined");
      });
    });
    expect(await names()).toEqual(["joined"]);
  });
});

describe.each(ENGINES)("UnitOfWork savepoints (%s)", (engine) => {
  let database: Database;
  let uow: UnitOfWork;
  beforeEach(async () => {
    database = await migratedDatabase(engine);
    uow = new UnitOfWork(database.db, database.kind);
  });
  afterEach(async () => {
    await database.close();
  });
  const insert = (name: string) =>
    uow.db
      .insertInto("leases")
      .values({ name, holder: "h", expires_at: "2026-01-01T00:00:00.000Z" })
      .execute();
  const names = async () =>
    (await database.db.selectFrom("leases").select("name").orderBy("name").execute()).map((r) => r.name);

  it("a failing savepoint undoes only its own writes and hooks; the unit goes on and commits", async () => {
    const hooks: string[] = [];
    await uow.transaction(async () => {
      await insert("before");
      await insert("taken");
      await expect(
        uow.savepoint(async () => {
          uow.afterCommit(() => {
            hooks.push("inner");
          });
          await insert("inner");
          await insert("taken"); // a constraint violation: on PostgreSQL it aborts up to the savepoint only
        }),
      ).rejects.toThrow();
      await uow.savepoint(async () => {
        uow.afterCommit(() => {
          hooks.push("kept");
        });
        await insert("kept");
      });
      await insert("after");
    });
    expect(await names()).toEqual(["after", "before", "kept", "taken"]);
    expect(hooks).toEqual(["kept"]);
  });

  it("a failing savepoint drops what it collected; a savepoint that succeeds keeps it", async () => {
    const flushed: string[][] = [];
    const c: Collector<string> = {
      flush: async (items) => {
        flushed.push(items);
      },
    };
    await uow.transaction(async () => {
      await uow.collect(c, "outer");
      await expect(
        uow.savepoint(async () => {
          await uow.collect(c, "dropped");
          throw new Error("no");
        }),
      ).rejects.toThrow("no");
      await uow.savepoint(() => uow.collect(c, "kept"));
    });
    expect(flushed).toEqual([["outer", "kept"]]);
  });

  it("outside a transaction a savepoint is a transaction of its own", async () => {
    await expect(
      uow.savepoint(async () => {
        await insert("gone");
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    await uow.savepoint(() => insert("stays"));
    expect(await names()).toEqual(["stays"]);
  });
});
