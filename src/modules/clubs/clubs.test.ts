import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { readingBook } from "../../../test/support/books.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("book clubs over REST (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  afterAll(() => t.close());

  const user = () => newUser(t, { admin });
  const req = (c: Client, method: string, url: string, payload?: Record<string, unknown>) =>
    c.request({ method: method as "GET", url, ...(payload === undefined ? {} : { payload }) });
  async function ok<T = Record<string, unknown>>(
    p: Promise<{ statusCode: number; body: string; json(): unknown }>,
    status = 200,
  ): Promise<T> {
    const r = await p;
    expect(r.statusCode, r.body).toBe(status);
    return (r.body ? r.json() : undefined) as T;
  }
  async function clubWith(owner: Client, ...members: Client[]): Promise<string> {
    const club = await ok<{ id: string }>(req(owner, "POST", "/api/clubs", { name: "Dune readers" }), 201);
    for (const m of members) {
      const { token } = await ok<{ token: string }>(
        req(owner, "POST", `/api/clubs/${club.id}/invites`, { link: { expiresInHours: 24 } }),
        201,
      );
      await ok(req(m, "POST", "/api/club-invites/accept", { token }));
    }
    return club.id;
  }

  it("creates a club with a book on a schedule; the schedule says where members should be", async () => {
    const owner = await user();
    const today = new Date(t.clock.now().getTime() - 8 * 86_400_000).toISOString().slice(0, 10);
    const club = await ok<Record<string, unknown>>(
      req(owner, "POST", "/api/clubs", {
        name: "Dune readers",
        reading: { title: "Dune", totalPages: 412, startsOn: today, pagesPerWeek: 100 },
      }),
      201,
    );
    expect(club).toMatchObject({
      name: "Dune readers",
      role: "owner",
      schedule: { week: 2, targetPage: 200 },
    });
    const list = await ok<{ items: { id: string; unread: number }[] }>(req(owner, "GET", "/api/clubs"));
    expect(list.items).toEqual([expect.objectContaining({ id: club.id, unread: 0 })]);
    expect((await req(owner, "POST", "/api/clubs", { name: " " })).statusCode).toBe(400);
  });

  it("invites by link: expiring and revocable; a revoked, expired or unknown link is refused alike", async () => {
    const owner = await user();
    const [a, b, c] = [await user(), await user(), await user()];
    const id = await clubWith(owner);
    const invite = await ok<{ id: string; token: string }>(
      req(owner, "POST", `/api/clubs/${id}/invites`, { link: { expiresInHours: 1 } }),
      201,
    );
    expect(await ok(req(a, "POST", "/api/club-invites/accept", { token: invite.token }))).toEqual({
      clubId: id,
    });
    // A member cannot invite; the list hides the secret.
    expect(
      (await req(a, "POST", `/api/clubs/${id}/invites`, { link: { expiresInHours: 1 } })).statusCode,
    ).toBe(403);
    const listed = await ok<{ items: Record<string, unknown>[] }>(
      req(owner, "GET", `/api/clubs/${id}/invites`),
    );
    expect(listed.items[0]).toMatchObject({ kind: "link", uses: 1 });
    expect(listed.items[0]!.token).toBeUndefined();

    t.clock.advance(2 * 3600_000);
    const expired = await req(b, "POST", "/api/club-invites/accept", { token: invite.token });
    const fresh = await ok<{ id: string; token: string }>(
      req(owner, "POST", `/api/clubs/${id}/invites`, { link: { expiresInHours: 1 } }),
      201,
    );
    await ok(req(owner, "DELETE", `/api/club-invites/${fresh.id}`), 204);
    const revoked = await req(c, "POST", "/api/club-invites/accept", { token: fresh.token });
    const unknown = await req(c, "POST", "/api/club-invites/accept", { token: "rlc_nothing" });
    for (const r of [expired, revoked, unknown])
      expect([r.statusCode, r.json().detail]).toEqual([404, "Invite not found"]);
    // None of them joined.
    expect((await req(b, "GET", `/api/clubs/${id}`)).statusCode).toBe(404);
  });

  it("invites an account: it waits in their list until accepted or declined", async () => {
    const owner = await user();
    const guest = await user();
    const id = await clubWith(owner);
    const inv = await ok<{ id: string; email: string; userId: null }>(
      req(owner, "POST", `/api/clubs/${id}/invites`, { email: guest.email.toUpperCase() }),
      201,
    );
    expect(inv).toMatchObject({ email: guest.email, userId: null, kind: "account" });
    const waiting = await ok<{ items: { id: string; clubName: string }[] }>(
      req(guest, "GET", "/api/club-invites"),
    );
    expect(waiting.items).toEqual([expect.objectContaining({ id: inv.id, clubName: "Dune readers" })]);
    // Someone else cannot accept it.
    expect((await req(owner, "POST", `/api/club-invites/${inv.id}/accept`)).statusCode).toBe(404);
    expect(await ok(req(guest, "POST", `/api/club-invites/${inv.id}/accept`))).toEqual({ clubId: id });
    expect((await ok<{ items: unknown[] }>(req(guest, "GET", "/api/club-invites"))).items).toEqual([]);
    const used = await ok<{ items: { id: string; userId: string; revokedAt: string }[] }>(
      req(owner, "GET", `/api/clubs/${id}/invites`),
    );
    expect(used.items).toEqual([
      expect.objectContaining({ id: inv.id, userId: guest.userId, revokedAt: expect.any(String) }),
    ]);
    // Declining: the invitee revokes it.
    const again = await ok<{ id: string }>(
      req(owner, "POST", `/api/clubs/${id}/invites`, { email: guest.email }),
      201,
    );
    await ok(req(guest, "DELETE", `/api/club-invites/${again.id}`), 204);
    expect((await req(guest, "POST", `/api/club-invites/${again.id}/accept`)).statusCode).toBe(404);
  });

  it("inviting by email is no account oracle: a stranger's, a member's and a free address answer alike", async () => {
    const owner = await user();
    const [member, stranger] = [await user(), await user()];
    const id = await clubWith(owner, member);
    const free = `nobody-${Date.now()}@example.com`;
    const answers = [];
    for (const email of [stranger.email, member.email, free]) {
      const r = await req(owner, "POST", `/api/clubs/${id}/invites`, { email });
      const { id: _id, createdAt: _at, email: to, ...rest } = r.json();
      expect(to).toBe(email);
      answers.push({ status: r.statusCode, headers: Object.keys(r.headers).sort(), body: rest });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ status: 201, body: { kind: "account", userId: null, uses: 0 } });
    // The moderators' list shows the three alike too: pending, addressed to an email, nobody's id.
    const listed = await ok<{ items: Record<string, unknown>[] }>(
      req(owner, "GET", `/api/clubs/${id}/invites`),
    );
    const pending = listed.items.filter((i) => i.kind === "account");
    expect(pending.map((i) => [i.email, i.userId, i.revokedAt])).toEqual(
      [free, member.email, stranger.email].map((e) => [e, null, null]),
    );
    // An account made later with the free address finds its invitation and joins.
    const late = await newUser(t, { admin, email: free });
    const [invite] = (await ok<{ items: { id: string }[] }>(req(late, "GET", "/api/club-invites"))).items;
    expect(invite).toMatchObject({ clubId: id, clubName: "Dune readers" });
    expect(await ok(req(late, "POST", `/api/club-invites/${invite!.id}/accept`))).toEqual({ clubId: id });
    // A member accepting is a no-op: still one membership.
    const [m] = (await ok<{ items: { id: string }[] }>(req(member, "GET", "/api/club-invites"))).items;
    await ok(req(member, "POST", `/api/club-invites/${m!.id}/accept`));
    const detail = await ok<{ members: { userId: string }[] }>(req(owner, "GET", `/api/clubs/${id}`));
    expect(detail.members.filter((x) => x.userId === member.userId)).toHaveLength(1);
  });

  it("roles: the owner names moderators; moderators remove members, not the owner; members leave", async () => {
    const owner = await user();
    const [mod, member, other] = [await user(), await user(), await user()];
    const id = await clubWith(owner, mod, member, other);
    expect(
      (await req(mod, "POST", `/api/clubs/${id}/role`, { userId: member.userId, role: "moderator" }))
        .statusCode,
    ).toBe(403);
    await ok(req(owner, "POST", `/api/clubs/${id}/role`, { userId: mod.userId, role: "moderator" }), 204);
    await ok(req(mod, "POST", `/api/clubs/${id}/remove-member`, { userId: member.userId }), 204);
    expect((await req(member, "GET", `/api/clubs/${id}`)).statusCode).toBe(404);
    expect(
      (await req(mod, "POST", `/api/clubs/${id}/remove-member`, { userId: owner.userId })).statusCode,
    ).toBe(403);
    expect(
      (await req(other, "POST", `/api/clubs/${id}/remove-member`, { userId: mod.userId })).statusCode,
    ).toBe(403);
    expect((await req(owner, "POST", `/api/clubs/${id}/leave`)).statusCode).toBe(409);
    await ok(req(other, "POST", `/api/clubs/${id}/leave`), 204);
    const detail = await ok<{ members: { userId: string; role: string }[] }>(
      req(owner, "GET", `/api/clubs/${id}`),
    );
    expect(detail.members.map((m) => [m.userId, m.role])).toEqual([
      [owner.userId, "owner"],
      [mod.userId, "moderator"],
    ]);
    // Handing the club over makes the old owner a moderator.
    await ok(req(owner, "POST", `/api/clubs/${id}/role`, { userId: mod.userId, role: "owner" }), 204);
    expect((await ok<{ role: string }>(req(owner, "GET", `/api/clubs/${id}`))).role).toBe("moderator");
    expect((await req(owner, "DELETE", `/api/clubs/${id}`)).statusCode).toBe(403);
    await ok(req(mod, "DELETE", `/api/clubs/${id}`), 204);
    expect((await req(mod, "GET", `/api/clubs/${id}`)).statusCode).toBe(404);
  });

  it("members' progress on the club's book is visible only to the club, and only if they opt in", async () => {
    const owner = await user();
    const reader = await user();
    const id = await clubWith(owner, reader);
    const book = await readingBook(reader, { title: "Dune", totalPages: 412 });
    await ok(req(reader, "POST", `/api/books/${book.id}/progress`, { page: 120 }), 201);
    await ok(req(reader, "PATCH", `/api/clubs/${id}/membership`, { bookId: book.id }));
    const progressOf = async () =>
      (
        await ok<{ members: { userId: string; progress: unknown }[] }>(req(owner, "GET", `/api/clubs/${id}`))
      ).members.find((m) => m.userId === reader.userId)!.progress;
    expect(await progressOf()).toBeNull();
    await ok(req(reader, "PATCH", `/api/clubs/${id}/membership`, { shareProgress: true }));
    expect(await progressOf()).toEqual({ page: 120, totalPages: 412 });
    // Someone else's book cannot be linked.
    const foreign = await readingBook(owner, { title: "Emma" });
    expect(
      (await req(reader, "PATCH", `/api/clubs/${id}/membership`, { bookId: foreign.id })).statusCode,
    ).toBe(404);
  });

  it("chat: history in pages, replies, mentions of members only, edits by the author, deletes by a moderator", async () => {
    const owner = await user();
    const [a, b] = [await user(), await user()];
    const id = await clubWith(owner, a, b);
    const post = (c: Client, body: Record<string, unknown>) =>
      req(c, "POST", `/api/clubs/${id}/messages`, body);
    const first = await ok<{ id: string }>(post(a, { body: "Who is reading chapter 3?" }), 201);
    const reply = await ok<{ id: string; replyToId: string; mentions: string[] }>(
      post(b, { body: "Me!", replyToId: first.id, mentions: [a.userId] }),
      201,
    );
    expect(reply).toMatchObject({ replyToId: first.id, mentions: [a.userId] });
    expect((await post(b, { body: "hi", mentions: [admin.userId] })).statusCode).toBe(400);
    expect((await post(b, { body: "x".repeat(2001) })).statusCode).toBe(400);
    expect((await post(b, { body: "   " })).statusCode).toBe(400);

    // Unread: the two messages others wrote, until read.
    expect((await ok<{ unread: number }>(req(owner, "GET", `/api/clubs/${id}`))).unread).toBe(2);
    expect(await ok(req(owner, "POST", `/api/clubs/${id}/read`, { messageId: reply.id }))).toBeDefined();

    expect((await req(b, "PATCH", `/api/club-messages/${first.id}`, { body: "edited" })).statusCode).toBe(
      403,
    );
    expect(
      await ok(req(a, "PATCH", `/api/club-messages/${first.id}`, { body: "Who reads ch. 3?" })),
    ).toMatchObject({
      body: "Who reads ch. 3?",
      editedAt: expect.any(String),
    });
    await ok(req(a, "POST", `/api/club-messages/${first.id}/reactions`, { emoji: "👍", add: true }), 204);
    await ok(req(b, "POST", `/api/club-messages/${first.id}/reactions`, { emoji: "👍", add: true }), 204);
    expect((await req(b, "DELETE", `/api/club-messages/${first.id}`)).statusCode).toBe(403);
    await ok(req(owner, "DELETE", `/api/club-messages/${first.id}`), 204);

    for (let i = 0; i < 5; i++) await ok(post(owner, { body: `note ${i}` }), 201);
    const page = await ok<{
      items: { id: string; body: string; deletedAt: string | null; reactions: unknown[] }[];
      more: boolean;
    }>(req(a, "GET", `/api/clubs/${id}/messages?limit=3`));
    expect(page.items.map((m) => m.body)).toEqual(["note 2", "note 3", "note 4"]);
    expect(page.more).toBe(true);
    const older = await ok<typeof page>(
      req(a, "GET", `/api/clubs/${id}/messages?limit=10&before=${page.items[0]!.id}`),
    );
    expect(older.items.map((m) => m.body)).toEqual(["", "Me!", "note 0", "note 1"]);
    expect(older.items[0]).toMatchObject({
      deletedAt: expect.any(String),
      reactions: [{ emoji: "👍", userIds: [a.userId, b.userId] }],
    });
    expect(older.more).toBe(false);
    // A stranger sees nothing of it.
    const stranger = await user();
    expect((await req(stranger, "GET", `/api/clubs/${id}/messages`)).statusCode).toBe(404);
    expect(
      (await req(stranger, "PATCH", `/api/club-messages/${page.items[0]!.id}`, { body: "x" })).statusCode,
    ).toBe(404);
  });

  it("limits how fast one member posts; nothing refused is stored", async () => {
    const owner = await user();
    const id = await clubWith(owner);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push((await req(owner, "POST", `/api/clubs/${id}/messages`, { body: `m${i}` })).statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.slice(10)).toEqual([429, 429]);
    const stored = await ok<{ items: unknown[] }>(req(owner, "GET", `/api/clubs/${id}/messages?limit=100`));
    expect(stored.items).toHaveLength(10);
    t.clock.advance(11_000);
    expect((await req(owner, "POST", `/api/clubs/${id}/messages`, { body: "later" })).statusCode).toBe(201);
  });
});
