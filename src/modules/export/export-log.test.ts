import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appWithAdmin, type Client, type TestApp } from "../../../test/support/app.js";
import { addBook } from "../../../test/support/books.js";

/** Issue 11, item 10: an export wrote Kysely's "orderBy(array) is deprecated" to stdout, a non-JSON log line. */
describe("an export", () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    ({ t, admin } = await appWithAdmin());
  });
  afterAll(() => t.close());

  it("prints nothing of its own on stdout (every log line stays JSON)", async () => {
    await addBook(admin, { title: "Dune" });
    const printed = vi.spyOn(console, "log");
    const warned = vi.spyOn(console, "warn");
    const r = await admin.request({ method: "GET", url: "/api/export" });
    expect(r.statusCode).toBe(200);
    expect(r.json().books).toHaveLength(1);
    expect([...printed.mock.calls, ...warned.mock.calls]).toEqual([]);
    printed.mockRestore();
    warned.mockRestore();
  });
});
