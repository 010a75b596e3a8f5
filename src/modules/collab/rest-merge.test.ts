import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWithAdmin, type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { type CollabTestApp, type Editor, listenCollab, openEditor } from "../../../test/support/collab.js";
import { ENGINES } from "../../../test/support/engines.js";
import { until } from "../../../test/support/realtime.js";

/**
 * Issue 15: a REST save of a note's Markdown while Yjs clients edit it merges three-way (from the version
 * the REST client read) into the open document, or is refused with 409 and the current version where both
 * changed the same text; the live edits are never lost. The documents are stored only a minute after their
 * last change here, so everything typed is live, not yet saved, when the REST save comes.
 */
describe.each(ENGINES)("a REST save while the note is edited together (%s)", (engine) => {
  let t: TestApp;
  let admin: Client;
  let collab: CollabTestApp;
  const open: Editor[] = [];
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin(engine, { collabSaveDelayMs: 60_000 }));
    collab = await listenCollab(t);
  });
  afterAll(async () => {
    for (const e of open) e.destroy();
    await collab.close();
  });

  async function editor(noteId: string, c: Client) {
    const e = await openEditor(collab.url, noteId, { token: c.token });
    open.push(e);
    return e;
  }
  async function note(c: Client, body: string): Promise<string> {
    const r = await c.request({ method: "POST", url: "/api/notes", payload: { body } });
    expect(r.statusCode).toBe(201);
    return r.json().id;
  }
  const save = (c: Client, id: string, payload: object) =>
    c.request({ method: "PATCH", url: `/api/notes/${id}`, payload });
  const revisions = async (c: Client, id: string) =>
    (await c.request({ method: "GET", url: `/api/notes/${id}/revisions` })).json().items.length as number;
  async function pair(body: string) {
    const alice = await newUser(t, { admin });
    const bob = await newUser(t, { admin });
    const id = await note(alice, body);
    const r = await alice.request({
      method: "POST",
      url: `/api/notes/${id}/shares`,
      payload: { email: bob.email, role: "editor" },
    });
    expect(r.statusCode, r.body).toBe(204);
    const a = await editor(id, alice);
    const b = await editor(id, bob);
    return { alice, bob, id, a, b };
  }
  const synced = (...es: Editor[]) => until(() => es.every((e) => e.provider.unsyncedChanges === 0));

  it("keeps what two editors typed and the REST change to other text, on both and in the database", async () => {
    const { alice, id, a, b } = await pair("Dune.\n\nThe spice must flow.\n\nFear is the mind-killer.");
    a.text.insert(0, "# "); // "# Dune."
    b.text.insert(b.text.length, " Fear is the little death.");
    await synced(a, b);
    await until(() => a.text.toString() === b.text.toString() && a.text.toString().startsWith("# "));
    // A REST client read version 1 (before the live edits) and changes the middle paragraph.
    const r = await save(alice, id, {
      body: "Dune.\n\nThe melange must flow.\n\nFear is the mind-killer.",
      ifVersion: 1,
    });
    expect(r.statusCode, r.body).toBe(200);
    const expected =
      "# Dune.\n\nThe melange must flow.\n\nFear is the mind-killer. Fear is the little death.";
    expect(r.json()).toMatchObject({ body: expected, version: 2 });
    await until(() => a.text.toString() === expected && b.text.toString() === expected);
    // Typing goes on after the merge, on both.
    a.text.insert(a.text.length, "\n\nEnd.");
    await until(() => b.text.toString() === `${expected}\n\nEnd.`);
  });

  it("refuses a REST save of text someone is changing live: 409 with the current version, nothing saved", async () => {
    const { alice, id, a, b } = await pair("The spice must flow.");
    b.text.delete(4, 5);
    b.text.insert(4, "melange"); // "The melange must flow."
    await synced(b);
    await until(() => a.text.toString() === "The melange must flow.");
    const r = await save(alice, id, { body: "The sand must flow.", ifVersion: 1 });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect(r.json()).toMatchObject({ status: 409, currentVersion: 1 });
    expect(await revisions(alice, id)).toBe(1);
    expect(a.text.toString()).toBe("The melange must flow.");
    // Without ifVersion, the save is made from the version saved (1) all the same.
    expect((await save(alice, id, { body: "The sand must flow." })).statusCode).toBe(409);
    // A save of other text goes through and keeps the live edit.
    const ok = await save(alice, id, { body: "The spice must flow!", ifVersion: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().body).toBe("The melange must flow!");
    await until(() => b.text.toString() === "The melange must flow!");
  });

  it("a REST save while two clients keep typing loses nothing of either", async () => {
    const { alice, id, a, b } = await pair("alpha\n\nmiddle\n\nomega");
    const typing = (e: Editor, at: () => number, word: string) =>
      (async () => {
        for (let i = 0; i < 20; i++) {
          e.text.insert(at(), `${word}${i} `);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
    const done = Promise.all([
      typing(a, () => 0, "a"),
      typing(b, () => b.text.length, "b"),
      (async () => {
        await new Promise((r) => setTimeout(r, 30));
        const r = await save(alice, id, { body: "alpha\n\nMIDDLE\n\nomega", ifVersion: 1 });
        expect(r.statusCode, r.body).toBe(200);
      })(),
    ]);
    await done;
    await synced(a, b);
    await until(() => a.text.toString() === b.text.toString() && a.text.toString().includes("b19"));
    const text = a.text.toString();
    for (let i = 0; i < 20; i++) {
      expect(text).toContain(`a${i} `);
      expect(text).toContain(`b${i} `);
    }
    expect(text).toContain("MIDDLE");
    expect(text).not.toContain("middle");
  });

  it("merges a stale ifVersion into what was saved since when no document is open; 409 on the same text", async () => {
    const alice = await newUser(t, { admin });
    const id = await note(alice, "one\ntwo\nthree");
    expect((await save(alice, id, { body: "ONE\ntwo\nthree", ifVersion: 1 })).statusCode).toBe(200);
    const merged = await save(alice, id, { body: "one\ntwo\nTHREE", ifVersion: 1 });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ body: "ONE\ntwo\nTHREE", version: 3 });
    const clash = await save(alice, id, { body: "uno\ntwo\nthree", ifVersion: 1 });
    expect([clash.statusCode, clash.json().currentVersion]).toEqual([409, 3]);
    // A stale version with fields other than the body is refused as before.
    const titled = await save(alice, id, { body: "one\ntwo\nthree!", title: "T", ifVersion: 2 });
    expect([titled.statusCode, titled.json().currentVersion]).toEqual([409, 3]);
    expect(await revisions(alice, id)).toBe(3);
  });
});
