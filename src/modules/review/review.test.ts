import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { addBook, move } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

const DAY = 86_400_000;

describe.each(ENGINES)("spaced repetition (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  /** A user in `timezone` who finished "Dune" (at the fake clock's now); returns them and the card. */
  async function finishedDune(timezone = "Europe/Berlin", title = "Dune") {
    const c = await newUser(t, { admin, timezone });
    const book = await addBook(c, { title, status: "reading" });
    expect((await move(c, book.id, "finished")).statusCode).toBe(200);
    // The card comes from the reading.finished event, once it is relayed and its job has run.
    await t.settle();
    const row = await t.services.db
      .selectFrom("review_cards")
      .selectAll()
      .where("owner_id", "=", c.userId)
      .executeTakeFirstOrThrow();
    return { c, book, cardId: row.id };
  }
  const due = async (c: Client) => {
    const r = await c.request({ method: "GET", url: "/api/reviews/due" });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { today: string; items: { id: string; prompt: string; dueOn: string }[] };
  };
  const grade = (c: Client, id: string, g: number | string, key?: string) =>
    c.request({
      method: "POST",
      url: `/api/reviews/${id}/grade`,
      payload: { grade: g, ...(key ? { idempotencyKey: key } : {}) },
    });
  /** Moves the clock to 09:00 UTC of the card's due day. */
  const toDueDay = async (c: Client, id: string) => {
    const card = (await c.request({ method: "GET", url: `/api/reviews/${id}` })).json();
    t.clock.set(new Date(`${card.dueOn}T09:00:00Z`));
    return card;
  };

  it("finishing a book creates one card, due from the next local day", async () => {
    t.clock.set(new Date("2026-03-02T22:30:00Z")); // 23:30 in Berlin
    const { c, book, cardId } = await finishedDune();
    const card = (await c.request({ method: "GET", url: `/api/reviews/${cardId}` })).json();
    expect(card).toMatchObject({ kind: "book", bookId: book.id, subjectId: book.id, state: "new", reps: 0 });
    expect(card.prompt).toBe("What do you remember of Dune? (0 notes, 0 highlights)");
    expect(card.dueOn).toBe("2026-03-03");
    expect((await due(c)).items).toEqual([]);
    // Re-reading and finishing again keeps the one card.
    expect((await move(c, book.id, "reading")).statusCode).toBe(200);
    expect((await move(c, book.id, "finished")).statusCode).toBe(200);
    await t.settle();
    const n = await t.services.db
      .selectFrom("review_cards")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("owner_id", "=", c.userId)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    t.clock.set(new Date("2026-03-02T23:00:00Z")); // midnight in Berlin: the 3rd
    expect((await due(c)).items.map((i) => i.id)).toEqual([cardId]);
  });

  it("intervals grow with good answers and shrink after again", async () => {
    t.clock.set(new Date("2026-04-01T10:00:00Z"));
    const { c, cardId } = await finishedDune("UTC");
    const intervals: number[] = [];
    for (const g of [3, 3, 3, 3, 1]) {
      await toDueDay(c, cardId);
      const r = await grade(c, cardId, g);
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.replayed).toBe(false);
      intervals.push(body.review.scheduledDays);
      expect(Date.parse(body.card.dueAt) - t.clock.now().getTime()).toBe(body.review.scheduledDays * DAY);
    }
    const [a, b, c3, d, again] = intervals as [number, number, number, number, number];
    expect(a).toBeGreaterThanOrEqual(1);
    expect(b).toBeGreaterThan(a);
    expect(c3).toBeGreaterThan(b);
    expect(d).toBeGreaterThan(c3);
    expect(again).toBeLessThan(d);
    const card = (await c.request({ method: "GET", url: `/api/reviews/${cardId}` })).json();
    expect(card).toMatchObject({ reps: 5, lapses: 1 });
  });

  it("a higher desired retention asks sooner", async () => {
    t.clock.set(new Date("2026-05-01T10:00:00Z"));
    const low = await finishedDune("UTC");
    const high = await finishedDune("UTC");
    const put = await high.c.request({
      method: "PUT",
      url: "/api/reviews/settings",
      payload: { desiredRetention: 0.97 },
    });
    expect(put.statusCode, put.body).toBe(200);
    const run = async (x: { c: Client; cardId: string }) => {
      let last = 0;
      for (const g of ["good", "good", "good"]) {
        await toDueDay(x.c, x.cardId);
        last = (await grade(x.c, x.cardId, g)).json().review.scheduledDays;
      }
      return last;
    };
    expect(await run(high)).toBeLessThan(await run(low));
  });

  it("grading twice with the same idempotency key records one review", async () => {
    t.clock.set(new Date("2026-06-01T10:00:00Z"));
    const { c, cardId } = await finishedDune("UTC");
    await toDueDay(c, cardId);
    const first = await grade(c, cardId, "good", "webhook-123");
    const second = await grade(c, cardId, "good", "webhook-123");
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json().replayed).toBe(true);
    expect(second.json().review.id).toBe(first.json().review.id);
    const header = await c.request({
      method: "POST",
      url: `/api/reviews/${cardId}/grade`,
      headers: { "idempotency-key": "webhook-123" },
      payload: { grade: 4 },
    });
    expect(header.json().replayed).toBe(true);
    const logs = await t.services.db
      .selectFrom("review_logs")
      .selectAll()
      .where("card_id", "=", cardId)
      .execute();
    expect(logs).toHaveLength(1);
    expect((await c.request({ method: "GET", url: `/api/reviews/${cardId}` })).json().reps).toBe(1);
  });

  it("a card that is not due answers 409; another user's card 404", async () => {
    t.clock.set(new Date("2026-07-01T10:00:00Z"));
    const { c, cardId } = await finishedDune("UTC");
    const early = await grade(c, cardId, 3);
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toBe(
      "This card is not due yet: its next review is on 2026-07-02 (today is 2026-07-01)",
    );
    const mallory = await newUser(t, { admin });
    await toDueDay(c, cardId);
    for (const r of [
      await grade(mallory, cardId, 3),
      await mallory.request({ method: "GET", url: `/api/reviews/${cardId}` }),
      await mallory.request({ method: "PATCH", url: `/api/reviews/${cardId}`, payload: { suspended: true } }),
    ])
      expect(r.statusCode).toBe(404);
    expect((await due(mallory)).items).toEqual([]);
    // Graded once, it is not due again the same day.
    expect((await grade(c, cardId, 3)).statusCode).toBe(200);
    expect((await grade(c, cardId, 3)).statusCode).toBe(409);
  });

  it("suspend, retire and a per-card retention; stats", async () => {
    t.clock.set(new Date("2026-08-01T10:00:00Z"));
    const { c, cardId } = await finishedDune("UTC");
    const other = await addBook(c, { title: "Emma", status: "reading" });
    expect((await move(c, other.id, "finished")).statusCode).toBe(200);
    await t.settle();
    t.clock.set(new Date("2026-08-02T10:00:00Z"));
    expect((await due(c)).items).toHaveLength(2);
    const s = await c.request({
      method: "PATCH",
      url: `/api/reviews/${cardId}`,
      payload: { suspended: true },
    });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().suspendedAt).not.toBeNull();
    expect((await due(c)).items).toHaveLength(1);
    expect((await grade(c, cardId, 3)).statusCode).toBe(409);
    const u = await c.request({
      method: "PATCH",
      url: `/api/reviews/${cardId}`,
      payload: { suspended: false, desiredRetention: 0.95 },
    });
    expect(u.json()).toMatchObject({ suspendedAt: null, desiredRetention: 0.95 });
    expect((await grade(c, cardId, "again")).statusCode).toBe(200);
    const emma = (await due(c)).items[0]!;
    expect((await grade(c, emma.id, "easy")).statusCode).toBe(200);
    const stats = (await c.request({ method: "GET", url: "/api/reviews/stats" })).json();
    expect(stats.reviewsPerDay).toEqual([{ day: "2026-08-02", reviews: 2 }]);
    expect(stats.retention).toBe(0.5);
    expect(stats.dueNext7Days).toHaveLength(7);
    expect(stats.dueNext7Days[0].day).toBe("2026-08-02");
    const retired = await c.request({
      method: "PATCH",
      url: `/api/reviews/${emma.id}`,
      payload: { retired: true },
    });
    expect(retired.json().retiredAt).not.toBeNull();
    const total = (x: { dueNext7Days: { cards: number }[] }) =>
      x.dueNext7Days.reduce((n, d) => n + d.cards, 0);
    expect(total((await c.request({ method: "GET", url: "/api/reviews/stats" })).json())).toBe(1);
  });

  it("reviews by text: review, grades, skip, later, stop; a repeated message records one review", async () => {
    t.clock.set(new Date("2026-09-01T10:00:00Z"));
    const { c } = await finishedDune("UTC");
    for (const title of ["Emma", "Kindred"]) {
      const b = await addBook(c, { title, status: "reading" });
      expect((await move(c, b.id, "finished")).statusCode).toBe(200);
      await t.settle();
    }
    const say = async (text: string) => {
      const r = await c.request({ method: "POST", url: "/api/text", payload: { text } });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().reply as string;
    };
    expect(await say("review")).toBe("Nothing to review today.");
    expect(await say("good")).toBe("No review is running: send `review` to start one.");
    t.clock.set(new Date("2026-09-02T10:00:00Z"));
    expect(await say("review")).toMatch(/^\(3 due\) What do you remember of Dune\?/);
    expect(await say("3")).toMatch(
      /^Good — next review on 2026-09-0\d\. \(2 due\) What do you remember of Emma\?/,
    );
    expect(await say("skip")).toMatch(/^Skipped\. What do you remember of Kindred\?/);
    expect(await say("later")).toBe(
      "Put off to tomorrow. That was the last card due today (1 card skipped stay due).",
    );
    expect(await say("review")).toMatch(/What do you remember of Emma\?/);
    expect(await say("stop")).toBe("Review stopped. 1 card still due today.");
    expect(await say("1")).not.toMatch(/Again/);
    expect(await say("review")).toMatch(/Emma/);
    expect(await say("again")).toMatch(/^Again — next review tomorrow\. That was the last card due today\.$/);
    const logs = await t.services.db
      .selectFrom("review_logs")
      .selectAll()
      .where("owner_id", "=", c.userId)
      .execute();
    expect(logs.map((l) => [l.grade, l.source])).toEqual([
      [3, "api"],
      [1, "api"],
    ]);
    // The same grade delivered twice (e.g. a webhook retry) while the session still shows the card.
    t.clock.set(new Date("2026-09-03T10:00:00Z"));
    expect(await say("review")).toMatch(/Kindred|Emma/);
    const conv = await t.services.db
      .selectFrom("conversations")
      .select("pending")
      .where("owner_id", "=", c.userId)
      .executeTakeFirstOrThrow();
    expect(await say("good")).toMatch(/^Good/);
    await t.services.db
      .updateTable("conversations")
      .set({ pending: conv.pending })
      .where("owner_id", "=", c.userId)
      .execute();
    expect(await say("good")).toMatch(/^Already graded\./);
    const after = await t.services.db
      .selectFrom("review_logs")
      .selectAll()
      .where("owner_id", "=", c.userId)
      .execute();
    expect(after).toHaveLength(3);
  });
});
