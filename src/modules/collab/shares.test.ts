import { beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { ENGINES } from "../../../test/support/engines.js";

describe.each(ENGINES)("sharing a note by email and by link over REST (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine));
  });
  const user = (email?: string) => newUser(t, { admin, ...(email ? { email } : {}) });
  async function note(c: Client, body: string, title?: string): Promise<string> {
    const r = await c.request({
      method: "POST",
      url: "/api/notes",
      payload: { body, ...(title ? { title } : {}) },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id;
  }
  const share = (owner: Client, id: string, email: string, role: "editor" | "viewer") =>
    owner.request({ method: "POST", url: `/api/notes/${id}/shares`, payload: { email, role } });
  const shares = async (owner: Client, id: string) =>
    (await owner.request({ method: "GET", url: `/api/notes/${id}/shares` })).json() as {
      accounts: Array<{ userId: string; name: string; role: string }>;
      invitations: Array<{ id: string; email: string; role: string }>;
    };

  it("answers alike whether or not an account has the email: no account oracle", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Only between us.");
    const known = await share(alice, id, bob.email, "editor");
    const unknown = await share(alice, id, `nobody-${Date.now()}@example.com`, "editor");
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.statusCode).toBe(204);
    expect(unknown.body).toBe(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    // The owner's list shows both alike, by the email given, with no name.
    const list = await shares(alice, id);
    expect(list.accounts).toEqual([]);
    expect(
      list.invitations.map((i) => [i.email.startsWith("nobody-") ? "unknown" : i.email, i.role]).sort(),
    ).toEqual(
      [
        [bob.email, "editor"],
        ["unknown", "editor"],
      ].sort(),
    );
    // The owner's own email is refused, naming the field (the owner knows it).
    const own = await share(alice, id, alice.email, "viewer");
    expect(own.statusCode).toBe(400);
    expect(own.json().errors?.[0]?.field ?? own.json().field ?? own.body).toMatch(/email/);
  });

  it("an account with the email has access at once; opening it makes it theirs, listed by name", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Read me.", "Plans");
    expect((await share(alice, id, bob.email.toUpperCase(), "viewer")).statusCode).toBe(204);
    await t.settle();
    const shared = (await bob.request({ method: "GET", url: "/api/notes?shared=with-me" })).json();
    expect(JSON.stringify(shared)).toContain(id);
    const read = await bob.request({ method: "GET", url: `/api/notes/${id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().title).toBe("Plans");
    // A viewer reads only.
    const write = await bob.request({ method: "PATCH", url: `/api/notes/${id}`, payload: { body: "No" } });
    expect(write.statusCode).toBe(403);
    const list = await shares(alice, id);
    expect(list.invitations).toEqual([]);
    expect(list.accounts.map((a) => [a.userId, a.role])).toEqual([[bob.userId, "viewer"]]);
  });

  it("a role given while the account is opening the note is never lost to that opening", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Roles.");
    let opening = true;
    const open = async () => {
      while (opening) {
        await bob.request({ method: "GET", url: `/api/notes/${id}` });
        await new Promise((r) => setImmediate(r));
      }
    };
    const openers = [open(), open()];
    try {
      for (let i = 0; i < 10; i++) {
        const role = i % 2 === 0 ? "editor" : "viewer";
        expect((await share(alice, id, bob.email, role)).statusCode).toBe(204);
      }
    } finally {
      opening = false;
      await Promise.all(openers);
    }
    await bob.request({ method: "GET", url: `/api/notes/${id}` });
    await t.settle();
    const list = await shares(alice, id);
    // The last role given is the one the account has, whether it was taken up by an opening or waits.
    const held = [...list.accounts.map((a) => a.role), ...list.invitations.map((i) => i.role)];
    expect(list.invitations).toEqual([]);
    expect(held).toEqual(["viewer"]);
  });

  it("an email with no account yet: whoever signs up with it gets the role; cancelling ends it", async () => {
    const alice = await user();
    const id = await note(alice, "For later.");
    const email = `later-${Date.now()}@example.com`;
    expect((await share(alice, id, email, "editor")).statusCode).toBe(204);
    const carol = await user(email);
    expect((await carol.request({ method: "GET", url: `/api/notes/${id}` })).statusCode).toBe(200);
    const edit = await carol.request({
      method: "PATCH",
      url: `/api/notes/${id}`,
      payload: { body: "Edited" },
    });
    expect(edit.statusCode, edit.body).toBe(200);

    // Invited again (another email), then cancelled before opening: no access.
    const dave = await user();
    expect((await share(alice, id, dave.email, "editor")).statusCode).toBe(204);
    const invite = (await shares(alice, id)).invitations.find((i) => i.email === dave.email)!;
    const cancel = await alice.request({
      method: "DELETE",
      url: `/api/notes/${id}/invitations/${invite.id}`,
    });
    expect(cancel.statusCode).toBe(204);
    expect((await dave.request({ method: "GET", url: `/api/notes/${id}` })).statusCode).toBe(404);
    // Someone else cannot cancel (the same 404 as a missing note).
    const other = await dave.request({ method: "DELETE", url: `/api/notes/${id}/invitations/${invite.id}` });
    expect(other.statusCode).toBe(404);
  });

  it("a valid link reads the note over REST (query or header); not its shares, not writing, not once revoked or expired", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Linked text.", "Linked title");
    const made = await alice.request({
      method: "POST",
      url: `/api/notes/${id}/links`,
      payload: { role: "editor" },
    });
    const link = made.json() as { id: string; token: string };
    expect((await bob.request({ method: "GET", url: `/api/notes/${id}` })).statusCode).toBe(404);
    const byQuery = await bob.request({ method: "GET", url: `/api/notes/${id}?link=${link.token}` });
    expect(byQuery.statusCode, byQuery.body).toBe(200);
    expect(byQuery.json()).toMatchObject({ title: "Linked title", body: "Linked text." });
    const byHeader = await bob.request({
      method: "GET",
      url: `/api/notes/${id}`,
      headers: { "x-readlog-link": link.token },
    });
    expect(byHeader.statusCode).toBe(200);
    // Reading only, even with an edit link, and only this request.
    const sharesList = await bob.request({
      method: "GET",
      url: `/api/notes/${id}/shares`,
      headers: { "x-readlog-link": link.token },
    });
    expect(sharesList.statusCode).toBe(404);
    const patch = await bob.request({
      method: "PATCH",
      url: `/api/notes/${id}?link=${link.token}`,
      payload: { body: "x" },
    });
    expect([400, 404]).toContain(patch.statusCode);
    // Another note's link, a made-up one: 404.
    const other = await note(alice, "Other");
    expect(
      (await bob.request({ method: "GET", url: `/api/notes/${other}?link=${link.token}` })).statusCode,
    ).toBe(404);
    expect((await bob.request({ method: "GET", url: `/api/notes/${id}?link=rln_nope` })).statusCode).toBe(
      404,
    );
    // Signed out: refused.
    const anon = await t.app.inject({ method: "GET", url: `/api/notes/${id}?link=${link.token}` });
    expect(anon.statusCode).toBe(401);
    // Revoked: refused.
    await alice.request({ method: "DELETE", url: `/api/notes/${id}/links/${link.id}` });
    expect(
      (await bob.request({ method: "GET", url: `/api/notes/${id}?link=${link.token}` })).statusCode,
    ).toBe(404);
  });

  it("an expired link does not read the note", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Soon gone.");
    const made = await alice.request({
      method: "POST",
      url: `/api/notes/${id}/links`,
      payload: { role: "viewer", expiresInHours: 1 },
    });
    const { token } = made.json() as { token: string };
    expect((await bob.request({ method: "GET", url: `/api/notes/${id}?link=${token}` })).statusCode).toBe(
      200,
    );
    t.clock.advance(3600_000 + 1);
    expect((await bob.request({ method: "GET", url: `/api/notes/${id}?link=${token}` })).statusCode).toBe(
      404,
    );
  });
});
