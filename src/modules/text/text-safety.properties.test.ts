import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/support/app.js";
import { type Actor, actorOf } from "../../platform/access/actor.js";
import { newId } from "../../platform/ids.js";

/**
 * DESIGN §5, "never guess silently", as a property over whole conversations: whatever messages arrive, in
 * whatever order, no message lowers a book's page or moves it to another shelf unless the message says so
 * (the correction word, a shelf verb, `undo`) or confirms a question that asked exactly that (`yes` after
 * "is 90 a correction?" or "put it back on your reading shelf?", a number answering "Which book?" for a
 * message that said so).
 */
const TITLES = ["dune", "Dune", "emma", "wind", "hobbit", "name of the wind", "truth", "middlemarch", "xyz"];
const VERBS = ["start", "want", "finished", "pause", "drop", "resume"];
const page = fc.oneof(fc.integer({ min: 1, max: 450 }), fc.constantFrom(1, 49, 50, 51, 99, 100, 101, 200));
const title = fc.constantFrom(...TITLES);
const message = fc.oneof(
  fc.tuple(title, page).map(([t, p]) => `${t} ${p}`),
  fc.tuple(title, page).map(([t, p]) => `${p} ${t}`),
  page.map(String),
  fc.tuple(title, fc.integer({ min: 1, max: 60 })).map(([t, n]) => `+${n} ${t}`),
  fc.tuple(title, fc.integer({ min: 0, max: 100 })).map(([t, n]) => `${t} ${n}%`),
  fc.tuple(title, page).map(([t, p]) => `yesterday ${t} ${p}`),
  fc.tuple(title, page).map(([t, p]) => `2026-11-20 ${t} ${p}`),
  fc.tuple(title, page).map(([t, p]) => `correct ${t} ${p}`),
  fc.tuple(fc.constantFrom(...VERBS), title).map(([v, t]) => `${v} ${t}`),
  fc.constantFrom("yes", "no", "ok", "1", "2", "3", "undo", "review", "review 3", "help", "today", "books"),
  fc.constantFrom("finished", "pause", "2026-11-24 dune 120/412", "dune 142/412", "stop", "good"),
);

const CORRECTION = /^\s*\/?correct(?:ion)?\b/i;
const SHELF_VERB =
  /^\s*\/?(?:start|started|begin|want|wishlist|tbr|finish|finished|done|pause|paused|drop|dropped|abandon|abandoned|dnf|resume|resumed)\b/i;
const YES = /^\s*(?:yes|y|yeah|yep|ok|okay|confirm)\s*$/i;
const NO = /^\s*(?:no|n|nope|cancel)\s*$/i;
const UNDO = /^\s*\/?undo\b/i;
const NUMBER = /^\s*\d+\s*$/;

interface BookState {
  status: string;
  readingId: string | null;
  page: number;
}

describe("text commands: no silent page lowering or shelf move (property)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set("2026-11-25T12:00:00Z");
  });
  afterAll(() => t.close());

  /** A user with a library in every state, created through the services (no password hashing). */
  async function library(): Promise<Actor> {
    const id = newId();
    await t.services.users.insert({
      id,
      email: `${id}@example.com`,
      name: "p",
      password_hash: "x",
      role: "member",
      timezone: "UTC",
      created_at: new Date().toISOString(),
      disabled_at: null,
    });
    const reader = actorOf({ id, role: "member", timezone: "UTC" });
    const add = async (title: string, status: "reading" | "wishlist", totalPages: number, at?: number) => {
      const reading = { status, ...(status === "reading" ? { startedOn: "2026-11-01" } : {}) };
      const { book } = await t.services.books.create(reader, { title, totalPages }, { reading });
      if (at) await t.services.progress.record(reader, book.id, { page: at, date: "2026-11-24" });
      return book.id;
    };
    await add("Dune", "reading", 412, 100);
    const emma = await add("Emma", "reading", 400, 50);
    await t.services.readings.move(reader, emma, { status: "paused" });
    const hobbit = await add("The Hobbit", "reading", 300, 300);
    await t.services.readings.move(reader, hobbit, { status: "finished" });
    await add("Wind and Truth", "reading", 1300, 200);
    await add("The Name of the Wind", "reading", 660, 10);
    await add("Middlemarch", "wishlist", 900);
    return reader;
  }

  async function snapshot(reader: Actor): Promise<Map<string, BookState>> {
    const db = t.services.db;
    const books = await db
      .selectFrom("books")
      .select(["id", "status", "current_reading_id"])
      .where("owner_id", "=", reader.userId)
      .execute();
    const out = new Map<string, BookState>();
    for (const b of books) {
      const last = b.current_reading_id
        ? await db
            .selectFrom("progress_entries")
            .select("page")
            .where("reading_id", "=", b.current_reading_id)
            .where("page", "is not", null)
            .orderBy("recorded_at", "desc")
            .orderBy("id", "desc")
            .limit(1)
            .executeTakeFirst()
        : undefined;
      out.set(b.id, { status: b.status, readingId: b.current_reading_id, page: last?.page ?? 0 });
    }
    return out;
  }

  it("holds for any sequence of messages", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 12 }), async (messages) => {
        const reader = await library();
        const ctx = { userId: reader.userId, channel: "api" as const, conversationKey: "prop" };
        let askedCorrection = false;
        let askedResume = false;
        let choiceFor: string | undefined;
        for (const m of messages) {
          const before = await snapshot(reader);
          const reply = (await t.services.text.handle(ctx, m)).text;
          const after = await snapshot(reader);
          const yes = YES.test(m);
          const choice = NUMBER.test(m) ? choiceFor : undefined;
          const mayLower =
            CORRECTION.test(m) || UNDO.test(m) || (yes && askedCorrection) || CORRECTION.test(choice ?? "");
          const mayMove = (from: string, to: string) =>
            SHELF_VERB.test(m) ||
            UNDO.test(m) ||
            (yes && askedResume && from === "paused" && to === "reading") ||
            SHELF_VERB.test(choice ?? "");
          for (const [id, was] of before) {
            const now = after.get(id);
            if (!now) continue; // deleted by undo
            const why = `${JSON.stringify(messages)} at ${JSON.stringify(m)} → ${reply}`;
            if (now.status !== was.status) expect(mayMove(was.status, now.status), why).toBe(true);
            if (now.readingId === was.readingId && now.page < was.page) expect(mayLower, why).toBe(true);
          }
          if (yes || NO.test(m)) askedCorrection = askedResume = false;
          if (/a correction(?:, and back to reading)?\? reply yes$/.test(reply)) askedCorrection = true;
          // An explicit correction that first asks something else (a paused book: back to reading?) is
          // confirmed by the yes that answers it.
          if (CORRECTION.test(m) && /reply yes$/.test(reply)) askedCorrection = true;
          if (/back to reading\? reply yes$|back on your reading shelf\? reply yes$/.test(reply))
            askedResume = true;
          if (reply.startsWith("Which book?")) choiceFor = m;
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
