import { afterAll, describe, expect, it } from "vitest";
import { ENGINES, migratedDatabase } from "../../test/support/engines.js";
import { FakeClock } from "./clock.js";
import type { Database } from "./db/database.js";
import { UnitOfWork } from "./db/unit-of-work.js";
import { SqlLease } from "./lease.js";

describe.each(ENGINES)("SqlLease (%s)", (engine) => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const d of opened) await d.close();
  });
  async function setup() {
    const database = await migratedDatabase(engine);
    opened.push(database);
    const uow = new UnitOfWork(database.db, database.kind);
    const clock = new FakeClock(new Date("2026-12-01T10:00:00Z"));
    const lease = (holder: string) => new SqlLease(uow, "test.lease", holder, clock, 10_000);
    const row = () =>
      database.db
        .selectFrom("leases" as never)
        .select(["holder", "expires_at"] as never[])
        .executeTakeFirst() as Promise<{ holder: string; expires_at: string } | undefined>;
    return { clock, lease, row };
  }

  it("one holder at a time; the other takes over once it expires or is released", async () => {
    const { clock, lease } = await setup();
    const a = lease("a");
    const b = lease("b");
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    clock.advance(10_001);
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);
    await b.release();
    expect(await a.acquire()).toBe(true);
  });

  it("hold renews only once half its time is gone, so a pass does not write the row every time", async () => {
    const { clock, lease, row } = await setup();
    const a = lease("a");
    expect(await a.hold()).toBe(true);
    const first = (await row())!.expires_at;
    clock.advance(4_000);
    expect(await a.hold()).toBe(true);
    expect((await row())!.expires_at).toBe(first);
    // acquire always renews.
    expect(await a.acquire()).toBe(true);
    expect(Date.parse((await row())!.expires_at)).toBe(Date.parse("2026-12-01T10:00:14.000Z"));
    clock.advance(5_500);
    expect(await a.hold()).toBe(true);
    expect(Date.parse((await row())!.expires_at)).toBe(Date.parse("2026-12-01T10:00:19.500Z"));
    // Renewed in time, it is never lost to another holder.
    clock.advance(9_000);
    expect(await lease("b").acquire()).toBe(false);
  });

  it("a holder that stalled past its time finds out at its next pass", async () => {
    const { clock, lease } = await setup();
    const a = lease("a");
    expect(await a.hold()).toBe(true);
    clock.advance(10_001);
    expect(await lease("b").acquire()).toBe(true);
    expect(await a.hold()).toBe(false);
  });
});
