import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Client, newUser, type TestApp } from "../../../test/support/app.js";
import { type Editor, openEditor } from "../../../test/support/collab.js";
import { until } from "../../../test/support/realtime.js";
import { type Assembly, assemble } from "../../app/assemble.js";
import { buildHttpApp } from "../../app/http.js";
import { testConfig } from "../../config.js";
import { RedisPubSub } from "../../platform/pubsub/redis-pubsub.js";
import type { CollabServer } from "./collab.server.js";
import { redisExtension } from "./redis-extension.js";

const redisUrl = inject("redisUrl");

/** One "process": its own assembly, HTTP server and collab server, on the shared database and Redis. */
interface Proc {
  assembly: Assembly;
  http: FastifyInstance;
  collab: CollabServer;
  url: string;
}

// Two processes on one database and one Redis, an editor on each: edits, cursors and revocations cross.
describe.skipIf(!redisUrl)("notes edited together across two processes over Redis", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "readlog-collab-"));
  const prefix = `rlcollab_${process.pid}_${Date.now()}`;
  const procs: Proc[] = [];
  const open: Editor[] = [];
  let alice: Client;
  let bob: Client;

  async function start(migrate: boolean): Promise<Proc> {
    const config = testConfig({
      database: { kind: "sqlite", file: path.join(dir, "shared.db") },
      collabSaveDelayMs: 20,
    });
    const assembly = await assemble(config, { pubsub: new RedisPubSub({ url: redisUrl!, prefix }), migrate });
    await assembly.listen();
    await assembly.relay.start();
    const http = await buildHttpApp(assembly);
    const collab = (assembly.services as unknown as { collab: CollabServer }).collab;
    await collab.attach(http.server, [await redisExtension(redisUrl!, prefix)]);
    await http.listen({ port: 0, host: "127.0.0.1" });
    const { port } = http.server.address() as AddressInfo;
    const p = { assembly, http, collab, url: `ws://127.0.0.1:${port}/collab` };
    procs.push(p);
    return p;
  }

  beforeAll(async () => {
    const a = await start(true);
    await start(false);
    alice = await newUser({ app: a.http } as TestApp);
    bob = await newUser({ app: a.http } as TestApp, { admin: alice });
  });
  afterAll(async () => {
    for (const e of open) e.destroy();
    for (const p of procs.reverse()) {
      await p.collab.close();
      await p.http.close();
      await p.assembly.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("an editor on each process: edits and cursors cross, the note is stored once, an unshare closes the other's", async () => {
    const [a, b] = procs as [Proc, Proc];
    const id = (
      await alice.request({ method: "POST", url: "/api/notes", payload: { body: "Across" } })
    ).json().id as string;
    const shared = await alice.request({
      method: "POST",
      url: `/api/notes/${id}/shares`,
      payload: { email: bob.email, role: "editor" },
    });
    expect(shared.statusCode).toBe(204);
    const onA = await openEditor(a.url, id, { token: alice.token });
    const onB = await openEditor(b.url, id, { token: bob.token });
    open.push(onA, onB);
    onA.text.insert(onA.text.length, " the wire");
    onB.text.insert(0, "Edits ");
    await until(() => onA.text.toString() === onB.text.toString() && onA.text.toString().length > 17);
    expect(onA.text.toString()).toBe("Edits Across the wire");

    onB.provider.setAwarenessField("cursor", { at: 3 });
    const cursor = () =>
      [...onA.provider.awareness!.getStates().values()].find((s) => s.cursor !== undefined) as
        | { user: { id: string } }
        | undefined;
    await until(() => cursor() !== undefined);
    expect(cursor()!.user.id).toBe(bob.userId);

    const body = async () => (await alice.request({ method: "GET", url: `/api/notes/${id}` })).json().body;
    for (let tries = 0; (await body()) !== "Edits Across the wire"; tries++) {
      if (tries > 500) throw new Error("the note's body never became the edited text");
      await new Promise((r) => setTimeout(r, 20));
    }

    // Unshared on process A (HTTP): bob's editor on process B is closed.
    await alice.request({ method: "DELETE", url: `/api/notes/${id}/shares/${bob.userId}` });
    await until(() => onB.closed !== undefined);
    expect(onB.closed?.reason).toBe("access-revoked");
  }, 60_000); // two processes on one SQLite file and one Redis: slower than the rest on a loaded machine
});
