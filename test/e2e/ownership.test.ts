import type { RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GrantsRepo } from "../../src/platform/access/grants.js";
import { newId } from "../../src/platform/ids.js";
import { appWithAdmin, type Client, newUser, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/engines.js";

/**
 * The access matrix, walked from the route table so that a new route is covered the day it is added:
 * - OWASP API1 (broken object-level authorisation): every route whose path names an object declares
 *   `config.owns`, and for each kind there is a fixture that creates such an object. Another user asking
 *   for it gets exactly what a nonexistent id gets (404); the owner does not. Routes keyed by a day or a
 *   year (`owns: "self"`) never show another user's rows.
 * - OWASP API5 (function-level authorisation): without credentials every non-public route answers 401; a
 *   read-only token is refused (403) every route that needs more than `read`; a member is refused every
 *   administrator's route.
 * - Shares: a grant gives another user exactly its relation on one object (viewer reads, editor edits,
 *   neither deletes), until it is revoked or expires.
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
      "PUT /api/books/:id/review-settings": { highlightCards: "book" },
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
      "POST /api/reviews/:id/answer": { answer: "soon" },
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
  note: {
    create: async (c) =>
      (await c.request({ method: "POST", url: "/api/notes", payload: { body: "fixture" } })).json().id,
    bodies: {
      "PATCH /api/notes/:id": { body: "changed" },
      "POST /api/notes/:id/restore": { version: 1 },
      "POST /api/notes/:id/shares": { email: "nobody@example.com", role: "viewer" },
      "POST /api/notes/:id/links": { role: "viewer" },
    },
  },
  highlight: {
    create: async (c) =>
      (await c.request({ method: "POST", url: "/api/highlights", payload: { text: "fixture" } })).json().id,
    bodies: { "PATCH /api/highlights/:id": { note: "changed" } },
  },
  // A link saved with its page's HTML: extracted without a fetch.
  link: {
    create: async (c) =>
      (
        await c.request({
          method: "POST",
          url: "/api/links",
          payload: { url: `https://example.com/${newId()}`, html: "<p>A fixture.</p>" },
        })
      ).json().id,
    bodies: {
      "PATCH /api/links/:id": { favourite: true },
      "POST /api/links/:id/refetch": {},
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

/** Every route of the API a client calls (not the docs, webhooks or the web app's pages). */
function apiRoutes(routes: RouteOptions[]) {
  return routes
    .filter((r) => r.url.startsWith("/api/") && !r.url.startsWith("/api/docs"))
    .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({ method, route: r })))
    .filter(({ method }) => method !== "HEAD" && method !== "OPTIONS");
}

/** The scope a route needs: what its config says, else read for GET and write otherwise (auth.hook.ts). */
function neededScope(method: string, route: RouteOptions): string {
  return route.config?.auth ?? (method === "GET" ? "read" : "write");
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

  async function readOnly(c: Client): Promise<Client> {
    const r = await c.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "read only", scopes: ["read"] },
    });
    expect(r.statusCode, r.body).toBe(201);
    const token = r.json().token as string;
    return {
      ...c,
      token,
      request: (opts) =>
        t.app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${token}` } }),
    };
  }
  const bodyFor = (method: string, url: string): object | undefined => {
    for (const f of Object.values(FIXTURES))
      if (f.bodies?.[`${method} ${url}`]) return f.bodies[`${method} ${url}`]!;
    return ["POST", "PUT", "PATCH"].includes(method) ? {} : undefined;
  };

  it("without credentials, every route that is not public answers 401", async () => {
    const checked: string[] = [];
    for (const { method, route } of apiRoutes(t.app.routeTable)) {
      if (route.config?.auth === "public") continue;
      const payload = bodyFor(method, route.url);
      const r = await t.app.inject({
        method: method as "GET",
        url: fill(route.url, NONEXISTENT),
        ...(payload === undefined ? {} : { payload }),
      });
      expect(r.statusCode, `${method} ${route.url}`).toBe(401);
      expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
      checked.push(`${method} ${route.url}`);
    }
    expect(checked.length).toBeGreaterThan(40);
  });

  it("a read-only token reads, and is refused (403) every route that needs more than read", async () => {
    const reader = await readOnly(alice);
    const refused: string[] = [];
    for (const { method, route } of apiRoutes(t.app.routeTable)) {
      if (route.config?.auth === "public") continue;
      const payload = bodyFor(method, route.url);
      const r = await reader.request({
        method: method as "GET",
        url: fill(route.url, NONEXISTENT),
        ...(payload === undefined ? {} : { payload }),
      });
      const label = `${method} ${route.url}`;
      if (neededScope(method, route) === "read") {
        expect(r.statusCode, `${label}: a read is served (${r.body})`).not.toBe(401);
        expect(r.statusCode, `${label}: a read is served (${r.body})`).not.toBe(403);
      } else {
        expect(r.statusCode, `${label}: needs ${neededScope(method, route)} (${r.body})`).toBe(403);
        refused.push(label);
      }
    }
    // Every write of the API is among them: no route that changes anything is declared read-only.
    const writes = apiRoutes(t.app.routeTable).filter(
      ({ method, route }) => method !== "GET" && route.config?.auth !== "public",
    );
    expect(refused).toEqual(
      expect.arrayContaining(writes.map(({ method, route }) => `${method} ${route.url}`)),
    );
  });

  it("a member is refused every administrator's route (403), whatever it names", async () => {
    const adminRoutes = apiRoutes(t.app.routeTable).filter(({ route }) => route.config?.auth === "admin");
    expect(adminRoutes.length).toBeGreaterThan(5);
    for (const { method, route } of adminRoutes) {
      const payload = bodyFor(method, route.url);
      const r = await mallory.request({
        method: method as "GET",
        url: fill(route.url, NONEXISTENT),
        ...(payload === undefined ? {} : { payload }),
      });
      expect(r.statusCode, `${method} ${route.url} (${r.body})`).toBe(403);
    }
  });

  it("routes keyed by a day or a year never show another user's rows", async () => {
    const marker = `Secret ${newId()}`;
    const book = (
      await alice.request({
        method: "POST",
        url: "/api/books",
        payload: { title: marker, totalPages: 300, status: "reading" },
      })
    ).json();
    const today = new Date().toISOString().slice(0, 10);
    const year = today.slice(0, 4);
    expect(
      (await alice.request({ method: "POST", url: `/api/books/${book.id}/progress`, payload: { page: 42 } }))
        .statusCode,
    ).toBe(201);
    expect(
      (
        await alice.request({
          method: "POST",
          url: `/api/books/${book.id}/status`,
          payload: { status: "finished" },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await alice.request({ method: "PUT", url: `/api/goals/${year}`, payload: { books: 12 } })).statusCode,
    ).toBeLessThan(300);
    const selfRoutes = apiRoutes(t.app.routeTable).filter(
      ({ method, route }) => route.config?.owns === "self" && method === "GET",
    );
    expect(selfRoutes.map(({ route }) => route.url).sort()).toEqual(
      expect.arrayContaining(["/api/days/:date", "/api/goals/:year"]),
    );
    for (const { route } of selfRoutes) {
      const url = route.url.replace(":date", today).replace(":year", year);
      const own = await alice.request({ method: "GET", url });
      const other = await mallory.request({ method: "GET", url });
      const label = `GET ${route.url}`;
      expect(own.statusCode, label).toBe(200);
      // Alice's rows are there for her, and nowhere in what Mallory gets.
      if (route.url !== "/api/goals/:year") expect(own.body, label).toContain(book.id);
      expect(other.body, label).not.toContain(book.id);
      expect(other.body, label).not.toContain(marker);
      if (route.url === "/api/goals/:year") expect(other.json().books, label).not.toBe(12);
    }
  });

  it("a share gives exactly its relation on one object, until it is revoked or expires", async () => {
    const grants = new GrantsRepo(t.services.uow, t.clock);
    const bob = await newUser(t, { admin });
    const book = (
      await alice.request({ method: "POST", url: "/api/books", payload: { title: "Shared", totalPages: 10 } })
    ).json();
    const url = `/api/books/${book.id}`;
    const as = (c: Client, method: "GET" | "PATCH" | "DELETE") =>
      c.request({ method, url, ...(method === "PATCH" ? { payload: { title: "By Bob" } } : {}) });
    const share = (relation: string, expiresAt?: string) =>
      grants.grant({
        resourceType: "book",
        resourceId: book.id,
        subjectType: "user",
        subjectId: bob.userId,
        relation,
        grantedBy: alice.userId,
        ...(expiresAt ? { expiresAt } : {}),
      });

    expect((await as(bob, "GET")).statusCode).toBe(404);
    await share("viewer");
    expect((await as(bob, "GET")).json().title).toBe("Shared");
    expect((await as(bob, "PATCH")).statusCode).toBe(403);
    expect((await as(bob, "DELETE")).statusCode).toBe(403);
    // A read-only token of an editor still only reads.
    await share("editor");
    expect((await as(await readOnly(bob), "PATCH")).statusCode).toBe(403);
    expect((await as(bob, "PATCH")).json().title).toBe("By Bob");
    expect((await as(bob, "DELETE")).statusCode).toBe(403);
    // Nobody else gained anything.
    expect((await as(mallory, "GET")).statusCode).toBe(404);
    // Revoked, or expired: the same 404 as before the share.
    await grants.revoke("book", book.id, "user", bob.userId);
    expect((await as(bob, "GET")).statusCode).toBe(404);
    await share("viewer", new Date(t.clock.now().getTime() - 1000).toISOString());
    expect((await as(bob, "GET")).statusCode).toBe(404);
    expect((await as(alice, "GET")).json().title).toBe("By Bob");
  });

  it("GET /api/notes?shared=with-me lists exactly the notes shared with the reader, while shared", async () => {
    const grants = new GrantsRepo(t.services.uow, t.clock);
    const [bob, carl] = [await newUser(t, { admin }), await newUser(t, { admin })];
    const note = async (c: Client, body: string, tags: string[] = []) =>
      (await c.request({ method: "POST", url: "/api/notes", payload: { body, tags } })).json().id as string;
    const a1 = await note(alice, "first of alice", ["spice"]);
    const a2 = await note(alice, "second of alice");
    const c1 = await note(carl, "one of carl", ["spice"]);
    await note(alice, "never shared");
    await note(bob, "bob's own");
    const share = (owner: Client, id: string, relation: string, expiresAt?: string) =>
      grants.grant({
        resourceType: "note",
        resourceId: id,
        subjectType: "user",
        subjectId: bob.userId,
        relation,
        grantedBy: owner.userId,
        ...(expiresAt ? { expiresAt } : {}),
      });
    const list = async (c: Client, query = "") => {
      const r = await c.request({ method: "GET", url: `/api/notes?shared=with-me${query}` });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: Array<{ id: string; ownerId: string }>; nextCursor: string | null };
    };
    expect((await list(bob)).items).toEqual([]);
    await share(alice, a1, "viewer");
    await share(alice, a2, "editor");
    await share(carl, c1, "viewer");
    const ids = (page: { items: Array<{ id: string }> }) => page.items.map((n) => n.id);
    expect(ids(await list(bob))).toEqual([c1, a2, a1]);
    expect((await list(bob)).items.map((n) => n.ownerId)).toEqual([carl.userId, alice.userId, alice.userId]);
    expect(ids(await list(bob, "&tag=SPICE"))).toEqual([c1, a1]);
    // Pages: one at a time, every note once.
    const first = await list(bob, "&limit=2");
    expect(ids(first)).toEqual([c1, a2]);
    expect(ids(await list(bob, `&limit=2&cursor=${first.nextCursor}`))).toEqual([a1]);
    // A read-only token lists too; nobody else sees them; the owners' own lists are unchanged.
    expect(ids(await list(await readOnly(bob)))).toEqual([c1, a2, a1]);
    expect((await list(mallory)).items).toEqual([]);
    expect(ids(await list(alice))).toEqual([]);
    // Revoked or expired: gone from the list, as the note itself is 404 again.
    await grants.revoke("note", a2, "user", bob.userId);
    await share(carl, c1, "viewer", new Date(t.clock.now().getTime() - 1000).toISOString());
    expect(ids(await list(bob))).toEqual([a1]);
    expect((await bob.request({ method: "GET", url: `/api/notes/${c1}` })).statusCode).toBe(404);
    expect((await bob.request({ method: "GET", url: "/api/notes?shared=everyone" })).statusCode).toBe(400);
  });

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
