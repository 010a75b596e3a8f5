import type { RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/platform/ids.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/engines.js";

/**
 * OWASP API1 (broken object-level authorisation), proven from the route table: every route whose path
 * names an object must declare `config.owns`, and for each kind there is a fixture that creates such an
 * object. Another user asking for it gets exactly what a nonexistent id gets (404); the owner does not.
 * A new route that forgets `owns`, or whose handler forgets the owner check, fails this test.
 */
interface Fixture {
  /** Creates an object of this kind owned by `owner` and returns its id. */
  create(owner: Client): Promise<string>;
  /** A valid request body per "METHOD /url" (so validation passes and the owner check is what answers). */
  bodies?: Record<string, unknown>;
}

async function newClub(c: Client): Promise<string> {
  return (await c.request({ method: "POST", url: "/api/clubs", payload: { name: "Fixture" } })).json().id;
}

/** The app under test, for fixtures that must create rows no route can (e.g. a verified channel link). */
let current: TestApp | undefined;

const FIXTURES: Record<string, Fixture> = {
  token: {
    create: async (c) =>
      (
        await c.request({
          method: "POST",
          url: "/api/tokens",
          payload: { name: "fixture", scopes: ["read"] },
        })
      ).json().id,
  },
  "admin:user": {
    create: async (admin) => {
      const email = `fixture-${Math.random().toString(36).slice(2)}@example.com`;
      const r = await admin.request({
        method: "POST",
        url: "/api/admin/users",
        payload: { email, password: "a long enough password" },
      });
      return r.json().id;
    },
    bodies: { "PATCH /api/admin/users/:id": { name: "Renamed" } },
  },
  book: {
    create: async (c) =>
      (
        await c.request({ method: "POST", url: "/api/books", payload: { title: "Fixture", totalPages: 100 } })
      ).json().id,
    bodies: {
      "PATCH /api/books/:id": { title: "Renamed" },
      "POST /api/books/:id/status": { status: "reading" },
      "POST /api/books/:id/progress": { page: 1 },
    },
  },
  // Routes keyed by a day or a year rather than an object id: they only ever read the caller's own rows.
  self: { create: async (c) => c.userId },
  // A verified link is made by a webhook delivery carrying the code; the row is what that leaves behind.
  channel: {
    create: async (c) => {
      const id = newId();
      await current!.services.db
        .insertInto("channel_links")
        .values({
          id,
          owner_id: c.userId,
          kind: "telegram",
          address: `fixture-${id}`,
          user_key: null,
          display: null,
          verified_at: new Date().toISOString(),
          last_inbound_at: null,
        })
        .execute();
      return id;
    },
  },
  schedule: {
    create: async (c) =>
      (
        await c.request({ method: "POST", url: "/api/schedules", payload: { when: { daily: "08:00" } } })
      ).json().id,
    bodies: {
      "PATCH /api/schedules/:id": { quietHours: null },
      "POST /api/schedules/:id/snooze": { minutes: 10 },
      "POST /api/schedules/:id/pause": { days: 1 },
    },
  },
  // A dead job is what a job that ran out of attempts leaves behind; no route makes one on purpose.
  "admin:job": {
    create: async () => {
      const id = newId();
      const now = new Date().toISOString();
      await current!.services.db
        .insertInto("jobs")
        .values({
          id,
          name: "reminders.send",
          payload: "{}",
          status: "dead",
          run_at: now,
          attempts: 1,
          max_attempts: 1,
          idempotency_key: null,
          locked_by: null,
          locked_until: null,
          last_error: "fixture",
          created_at: now,
          died_at: now,
        })
        .execute();
      return id;
    },
  },
  // A review card is made by finishing a book; it is due tomorrow, so grading it answers 409, not 404.
  reviewCard: {
    create: async (c) => {
      const book = (
        await c.request({ method: "POST", url: "/api/books", payload: { title: "Card", status: "reading" } })
      ).json();
      await c.request({
        method: "POST",
        url: `/api/books/${book.id}/status`,
        payload: { status: "finished" },
      });
      await current!.settle(); // the card comes from the reading.finished event
      const card = await current!.services.db
        .selectFrom("review_cards")
        .select("id")
        .where("owner_id", "=", c.userId)
        .where("book_id", "=", book.id)
        .executeTakeFirstOrThrow();
      return card.id;
    },
    bodies: {
      "POST /api/reviews/:id/grade": { grade: 3 },
      "PATCH /api/reviews/:id": { suspended: false },
    },
  },
  club: {
    create: async (c) => newClub(c),
    bodies: {
      "PATCH /api/clubs/:id": { name: "Renamed" },
      "PATCH /api/clubs/:id/membership": { shareProgress: true },
      "POST /api/clubs/:id/remove-member": { userId: "00000000-0000-7000-8000-000000000001" },
      "POST /api/clubs/:id/role": { userId: "00000000-0000-7000-8000-000000000001", role: "member" },
      "POST /api/clubs/:id/invites": { link: { expiresInHours: 1 } },
      "POST /api/clubs/:id/messages": { body: "hello" },
      "POST /api/clubs/:id/read": { messageId: "00000000-0000-7000-8000-000000000001" },
    },
  },
  // Revoked by the club's moderators (or declined by its invitee).
  clubInvite: {
    create: async (c) =>
      (
        await c.request({
          method: "POST",
          url: `/api/clubs/${await newClub(c)}/invites`,
          payload: { link: { expiresInHours: 1 } },
        })
      ).json().id,
  },
  // An invitation to the owner's account from a club they are not in (rows only: no route makes it for oneself).
  clubInvitation: {
    create: async (c) => {
      const clubId = newId();
      const now = new Date().toISOString();
      const db = current!.services.db;
      await db
        .insertInto("clubs")
        .values({ id: clubId, name: "Fixture", created_at: now, updated_at: now } as never)
        .execute();
      const id = newId();
      await db
        .insertInto("club_invites")
        .values({ id, club_id: clubId, user_id: c.userId, uses: 0, created_at: now } as never)
        .execute();
      return id;
    },
  },
  clubMessage: {
    create: async (c) =>
      (
        await c.request({
          method: "POST",
          url: `/api/clubs/${await newClub(c)}/messages`,
          payload: { body: "hi" },
        })
      ).json().id,
    bodies: {
      "PATCH /api/club-messages/:id": { body: "edited" },
      "POST /api/club-messages/:id/reactions": { emoji: "👍", add: true },
    },
  },
  "admin:invite": {
    create: async (admin) =>
      (await admin.request({ method: "POST", url: "/api/admin/invites", payload: {} })).json().id,
  },
};

const NONEXISTENT = "00000000-0000-7000-8000-000000000000";

function objectRoutes(routes: RouteOptions[]) {
  return routes
    .filter((r) => r.url.includes(":") && !r.url.startsWith("/api/docs") && !r.url.startsWith("/webhooks/"))
    .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ method, route: r })))
    .filter(({ method }) => method !== "HEAD");
}

function fill(url: string, id: string): string {
  return url
    .replace(/:id\b/, id)
    .replace(/:(\w+)/g, (_m, name: string) => (name === "date" ? "2026-01-01" : "x"));
}

describe.each(ENGINES)("object-level authorisation from the route table (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let alice: Client;
  let mallory: Client;

  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
    current = t;
    alice = await newUser(t, { admin });
    mallory = await newUser(t, { admin });
  });
  afterAll(() => t.close());

  it("finds object routes to check", () => {
    expect(objectRoutes(t.app.routeTable).length).toBeGreaterThan(0);
  });

  it("every route with an object id declares what it owns, and a fixture exists for it", () => {
    const missing = objectRoutes(t.app.routeTable)
      .filter(({ route }) => {
        const kind = route.config?.owns;
        return !kind || !(kind in FIXTURES);
      })
      .map(({ method, route }) => `${method} ${route.url} (owns: ${route.config?.owns ?? "none"})`);
    expect(missing).toEqual([]);
  });

  it("another user's object answers exactly like a nonexistent one (404); the owner is served", async () => {
    for (const { method, route } of objectRoutes(t.app.routeTable)) {
      if (!/:id\b/.test(route.url)) continue;
      const kind = route.config!.owns!;
      const fixture = FIXTURES[kind]!;
      const adminOnly = kind.startsWith("admin:");
      const owner = adminOnly ? admin : alice;
      const id = await fixture.create(owner);
      const payload =
        fixture.bodies?.[`${method} ${route.url}`] ??
        (["POST", "PUT", "PATCH"].includes(method) ? {} : undefined);
      const ask = (who: Client, objectId: string) =>
        who.request({
          method: method as "GET",
          url: fill(route.url, objectId),
          ...(payload === undefined ? {} : { payload }),
        });
      const label = `${method} ${route.url}`;

      if (adminOnly) {
        const r = await ask(mallory, id);
        expect(r.statusCode, `${label}: a member must be refused`).toBe(403);
      } else {
        const foreign = await ask(mallory, id);
        const none = await ask(mallory, NONEXISTENT);
        expect(foreign.statusCode, `${label}: another user's object`).toBe(404);
        expect(foreign.json().detail, `${label}: must not differ from a nonexistent id`).toBe(
          none.json().detail,
        );
      }
      const own = await ask(owner, id);
      expect(own.statusCode, `${label}: the owner must be served (${own.body})`).not.toBe(404);
      expect(own.statusCode, `${label}: the owner must be served (${own.body})`).toBeLessThan(500);
    }
  });
});
