import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { appWithAdmin, type Client, newUser, PASSWORD, type TestApp } from "../../../test/support/app.js";
import {
  type CollabTestApp,
  type Editor,
  listenCollab,
  openEditor,
  rawSocket,
} from "../../../test/support/collab.js";
import { ENGINES } from "../../../test/support/engines.js";
import { until } from "../../../test/support/realtime.js";

describe.each(ENGINES)("notes edited together over Hocuspocus (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let collab: CollabTestApp;
  const open: Editor[] = [];
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, { collabSaveDelayMs: 20 }));
    collab = await listenCollab(t);
  });
  afterAll(async () => {
    for (const e of open) e.destroy();
    await collab.close();
  });

  const user = () => newUser(t, { admin });
  async function editor(noteId: string, opts: Parameters<typeof openEditor>[2] = {}) {
    const e = await openEditor(collab.url, noteId, opts);
    open.push(e);
    return e;
  }
  async function note(c: Client, body: string): Promise<string> {
    const r = await c.request({ method: "POST", url: "/api/notes", payload: { body } });
    expect(r.statusCode).toBe(201);
    return r.json().id;
  }
  async function share(owner: Client, noteId: string, to: Client, role: "editor" | "viewer") {
    const r = await owner.request({
      method: "POST",
      url: `/api/notes/${noteId}/shares`,
      payload: { email: to.email, role },
    });
    expect(r.statusCode, r.body).toBe(204);
    await t.settle();
  }
  async function link(owner: Client, noteId: string, role: "editor" | "viewer", expiresInHours?: number) {
    const r = await owner.request({
      method: "POST",
      url: `/api/notes/${noteId}/links`,
      payload: { role, ...(expiresInHours ? { expiresInHours } : {}) },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; token: string };
  }
  const body = async (c: Client, id: string) =>
    (await c.request({ method: "GET", url: `/api/notes/${id}` })).json().body as string;
  const stored = (id: string) =>
    t.services.db
      .selectFrom("note_docs" as never)
      .selectAll()
      .where("note_id" as never, "=", id as never)
      .executeTakeFirst() as Promise<{ state: Uint8Array; note_version: number } | undefined>;

  it("two editors typing in the same paragraph at once converge, on both and in the database", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "The spice must flow.");
    await share(alice, id, bob, "editor");
    const a = await editor(id, { token: alice.token });
    const b = await editor(id, { token: bob.token });
    expect([a.scope, b.scope]).toEqual(["read-write", "read-write"]);
    // Seeded from the Markdown the first time.
    expect(a.text.toString()).toBe("The spice must flow.");
    expect(b.text.toString()).toBe("The spice must flow.");

    // Both type into the same sentence before either hears of the other.
    a.doc.transact(() => a.text.insert(4, "melange "));
    b.doc.transact(() => b.text.insert(15, "always "));
    b.doc.transact(() => b.text.delete(0, 4));
    await until(() => a.text.toString() === b.text.toString() && a.text.toString().includes("always"));
    const merged = a.text.toString();
    expect(merged).toBe("melange spice must always flow.");

    // Stored: the Markdown (a revision by one of them, searchable) and the Yjs state.
    let saved = "";
    for (let i = 0; i < 400 && saved !== merged; i++) {
      saved = await body(alice, id);
      if (saved !== merged) await new Promise((r) => setTimeout(r, 10));
    }
    expect(saved).toBe(merged);
    const row = await stored(id);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, new Uint8Array(row!.state));
    expect(copy.getText("body").toString()).toBe(merged);
    const revisions = (await alice.request({ method: "GET", url: `/api/notes/${id}/revisions` })).json();
    expect(revisions.items?.[0]?.version ?? revisions[0]?.version).toBeGreaterThan(1);
    await t.settle();
    const hits = (await alice.request({ method: "GET", url: "/api/search?q=melange" })).json();
    expect(JSON.stringify(hits)).toContain(id);
  });

  it("the stored Yjs state is what a document loads from, never rebuilt from the Markdown", async () => {
    const alice = await user();
    const id = await note(alice, "First line");
    const a = await editor(id, { token: alice.token });
    a.text.insert(a.text.length, ", then more");
    const clientId = a.doc.clientID;
    await until(() => a.provider.unsyncedChanges === 0);
    a.destroy();
    await until(() => !collab.server.instance.documents.has(id));
    const b = await editor(id, { token: alice.token });
    expect(b.text.toString()).toBe("First line, then more");
    // The first editor's operations are still in the document (the same items, not a fresh copy of the text).
    expect(Y.decodeStateVector(Y.encodeStateVector(b.doc)).has(clientId)).toBe(true);
  });

  it("a note saved over REST while open reaches the editors as an edit", async () => {
    const alice = await user();
    const id = await note(alice, "Chapter one");
    const a = await editor(id, { token: alice.token });
    const r = await alice.request({
      method: "PATCH",
      url: `/api/notes/${id}`,
      payload: { body: "Chapter one, revised" },
    });
    expect(r.statusCode).toBe(200);
    await t.settle();
    await until(() => a.text.toString() === "Chapter one, revised");
  });

  it("viewers get a read-only connection; strangers and anonymous clients are refused", async () => {
    const alice = await user();
    const vera = await user();
    const mallory = await user();
    const id = await note(alice, "Read me");
    await share(alice, id, vera, "viewer");
    const a = await editor(id, { token: alice.token });
    const v = await editor(id, { token: vera.token });
    expect(v.scope).toBe("readonly");
    expect(v.text.toString()).toBe("Read me");
    v.text.insert(0, "Vandalised: ");
    a.text.insert(7, ", please");
    await until(() => v.text.toString().includes("please"));
    expect(a.text.toString()).toBe("Read me, please");
    expect(collab.server.instance.documents.get(id)!.getText("body").toString()).toBe("Read me, please");

    expect((await editor(id, { token: mallory.token })).refused).toBe("not-found");
    expect((await editor(id, {})).refused).toBe("unauthorized");
    expect((await editor(id, { token: "rl_not-a-token" })).refused).toBe("unauthorized");
    expect((await editor("0000-not-a-note", { token: alice.token })).refused).toBe("not-found");
  });

  it("a session cookie works from this server's own pages, not from another site", async () => {
    const alice = await user();
    const id = await note(alice, "Cookie");
    const login = await t.app.inject({
      method: "POST",
      url: "/api/auth/login",
      payload: { email: alice.email, password: PASSWORD },
    });
    const cookie = `readlog_session=${login.cookies.find((k) => k.name === "readlog_session")!.value}`;
    const host = new URL(collab.url).host;
    expect((await editor(id, { cookie, origin: `http://${host}` })).scope).toBe("read-write");
    expect((await editor(id, { cookie, origin: "https://evil.example" })).refused).toBe("forbidden");
  });

  it("links give view or edit rights until they expire or are revoked; revoking closes their connections", async () => {
    const alice = await user();
    const guest = await user();
    const id = await note(alice, "Shared by link");
    const view = await link(alice, id, "viewer");
    const edit = await link(alice, id, "editor", 1);
    expect((await editor(id, { token: guest.token })).refused).toBe("not-found");
    const v = await editor(id, { token: guest.token, link: view.token });
    expect(v.scope).toBe("readonly");
    const e = await editor(id, { token: guest.token, link: edit.token });
    expect(e.scope).toBe("read-write");
    // A link for another note opens nothing.
    const other = await note(alice, "Other");
    expect((await editor(other, { token: guest.token, link: edit.token })).refused).toBe("not-found");

    const r = await alice.request({ method: "DELETE", url: `/api/notes/${id}/links/${view.id}` });
    expect(r.statusCode).toBe(204);
    await t.settle();
    await until(() => v.closed !== undefined);
    expect(v.closed?.reason).toBe("access-revoked");
    expect(e.closed).toBeUndefined();
    expect((await editor(id, { token: guest.token, link: view.token })).refused).toBe("not-found");

    // Expired: refused from then on.
    t.clock.advance(2 * 3600_000);
    expect((await editor(id, { token: guest.token, link: edit.token })).refused).toBe("not-found");

    const shares = (await alice.request({ method: "GET", url: `/api/notes/${id}/shares` })).json();
    expect(shares.links.map((l: { id: string }) => l.id)).toEqual([edit.id]);
    expect(shares.links[0].token).toBeUndefined();
    // Only the owner manages shares.
    expect((await guest.request({ method: "GET", url: `/api/notes/${id}/shares` })).statusCode).toBe(404);
  });

  it("unsharing, or revoking the credential, closes the open connection at once", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Together");
    await share(alice, id, bob, "editor");
    const b = await editor(id, { token: bob.token });
    expect(b.scope).toBe("read-write");
    const told: unknown[] = [];
    b.provider.on("stateless", ({ payload }: { payload: string }) => told.push(JSON.parse(payload)));
    // Made a viewer: the same connection now reads only, and the client is told so.
    await share(alice, id, bob, "viewer");
    await until(
      () =>
        collab.server.instance.documents
          .get(id)
          ?.getConnections()
          .every((c) => c.readOnly) ?? false,
    );
    await until(() => told.length === 1);
    expect(told).toEqual([{ type: "rights", rights: "read" }]);
    // Made an editor again: told.
    await share(alice, id, bob, "editor");
    await until(() => told.length === 2);
    expect(told[1]).toEqual({ type: "rights", rights: "write" });
    // The same rights again: nothing to tell.
    await share(alice, id, bob, "editor");
    expect(told).toHaveLength(2);
    await share(alice, id, bob, "viewer");
    await until(() => told.length === 3);
    const r = await alice.request({ method: "DELETE", url: `/api/notes/${id}/shares/${bob.userId}` });
    expect(r.statusCode).toBe(204);
    await t.settle();
    await until(() => b.closed !== undefined);
    expect(b.closed?.reason).toBe("access-revoked");

    const tok = await alice.request({
      method: "POST",
      url: "/api/tokens",
      payload: { name: "collab", scopes: ["read", "write"] },
    });
    const a = await editor(id, { token: tok.json().token });
    expect(a.scope).toBe("read-write");
    expect((await alice.request({ method: "DELETE", url: `/api/tokens/${tok.json().id}` })).statusCode).toBe(
      204,
    );
    await t.settle();
    await until(() => a.closed !== undefined);
    expect(a.closed?.reason).toBe("session-ended");
  });

  it("names on cursors come from the accounts, not from what a client claims", async () => {
    const alice = await user();
    const bob = await user();
    await admin.request({ method: "PATCH", url: `/api/admin/users/${bob.userId}`, payload: { name: "Bob" } });
    const id = await note(alice, "Cursors");
    await share(alice, id, bob, "editor");
    const a = await editor(id, { token: alice.token });
    const b = await editor(id, { token: bob.token });
    b.provider.setAwarenessField("user", { name: "The Administrator", id: alice.userId });
    b.provider.setAwarenessField("cursor", { anchor: 1, head: 2 });
    const seen = () =>
      [...a.provider.awareness!.getStates().values()].find(
        (s) => (s as { cursor?: unknown }).cursor !== undefined,
      ) as { user: { id: string; name: string }; cursor: unknown } | undefined;
    await until(() => seen() !== undefined);
    expect(seen()!.user.id).toBe(bob.userId);
    expect(seen()!.user.name).not.toBe("The Administrator");
    expect(seen()!.cursor).toEqual({ anchor: 1, head: 2 });
  });

  it("offline edits merge on reconnect", async () => {
    const alice = await user();
    const bob = await user();
    const id = await note(alice, "Base");
    await share(alice, id, bob, "editor");
    const a = await editor(id, { token: alice.token });
    const b = await editor(id, { token: bob.token });
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(b.doc));
    b.destroy();
    offline.getText("body").insert(0, "Offline ");
    a.text.insert(a.text.length, " online");
    const back = await editor(id, { token: bob.token, doc: offline });
    await until(() => back.text.toString() === a.text.toString() && a.text.toString().includes("Offline"));
    expect(a.text.toString()).toBe("Offline Base online");
  });

  it("refuses malformed updates (nothing stored), oversized messages and floods, others unaffected", async () => {
    const alice = await user();
    const id = await note(alice, "Steady");
    const a = await editor(id, { token: alice.token });
    const before = await stored(id);

    const bad = await rawSocket(collab.url);
    const m = encoding.createEncoder();
    encoding.writeVarString(m, id);
    encoding.writeVarUint(m, 0); // sync
    encoding.writeVarUint(m, 2); // update
    encoding.writeVarUint8Array(m, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x01, 0x02]));
    bad.ws.send(encoding.toUint8Array(m));
    expect(await bad.closed).toEqual({ code: 4400, reason: "malformed-message" });

    const big = await rawSocket(collab.url);
    big.ws.send(new Uint8Array(collab.server.limits.maxMessageBytes + 1));
    expect((await big.closed).code).toBe(1009);

    const flood = await rawSocket(collab.url);
    const ping = encoding.createEncoder();
    encoding.writeVarString(ping, id);
    encoding.writeVarUint(ping, 3); // query awareness
    for (let i = 0; i < collab.server.limits.messagesBurst + 50; i++)
      flood.ws.send(encoding.toUint8Array(ping));
    expect(await flood.closed).toEqual({ code: 4429, reason: "too-many-messages" });

    // The document and the good editor are untouched.
    a.text.insert(a.text.length, " on");
    await until(() => a.provider.unsyncedChanges === 0);
    expect(collab.server.instance.documents.get(id)!.getText("body").toString()).toBe("Steady on");
    expect((await stored(id))?.note_version ?? before?.note_version).toBeGreaterThanOrEqual(
      before?.note_version ?? 1,
    );
  });
});
