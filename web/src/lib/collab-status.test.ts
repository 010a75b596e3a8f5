import { describe, expect, it } from "vitest";
import { endedByClose, endedByRefusal, rightsFromStateless, statusText, withRights } from "./collab-status";
import { peerClass, peersOf } from "./peer-colors";

describe("notes edited together: what the collab server said", () => {
  it("a close that ends editing, by its code or by the reason of Hocuspocus's close message", () => {
    expect(endedByClose(4403, "access-revoked")).toBe("access-revoked");
    expect(endedByClose(1000, "access-revoked")).toBe("access-revoked");
    expect(endedByClose(4404, "")).toBe("note-deleted");
    expect(endedByClose(4401, undefined)).toBe("session-ended");
    // A dropped network, a flood close, the provider's own timeout: it reconnects.
    expect(endedByClose(1006, "")).toBeNull();
    expect(endedByClose(4429, "too-many-messages")).toBeNull();
    expect(endedByClose(4408, "forced")).toBeNull();
  });
  it("a refused authentication: no access (as the API's 404) or the session is over", () => {
    expect(endedByRefusal("not-found")).toBe("no-access");
    expect(endedByRefusal("unauthorized")).toBe("session-ended");
  });
  it("rights changed while connected (an editor made viewer): the editor follows without reconnecting", () => {
    expect(rightsFromStateless('{"type":"rights","rights":"read"}')).toBe("read");
    expect(rightsFromStateless('{"type":"rights","rights":"write"}')).toBe("write");
    expect(rightsFromStateless('{"type":"rights","rights":"admin"}')).toBeNull();
    expect(rightsFromStateless('{"type":"other"}')).toBeNull();
    expect(rightsFromStateless("not json")).toBeNull();
    const live = withRights({ state: "live", readOnly: false }, "read");
    expect(statusText(live, 0)).toBe("Live, read only · all changes sent");
    expect(withRights(live, "write")).toEqual({ state: "live", readOnly: false });
    expect(withRights({ state: "offline", readOnly: false }, "read")).toEqual({
      state: "offline",
      readOnly: true,
    });
    expect(withRights({ state: "connecting" }, "read")).toEqual({ state: "connecting" });
  });
  it("says offline edits are kept and merge later", () => {
    expect(statusText({ state: "offline", readOnly: false }, 3)).toMatch(/kept here and merge/);
    expect(statusText({ state: "live", readOnly: true }, 0)).toBe("Live, read only · all changes sent");
  });
});

describe("collaborators' colours and names", () => {
  it("the server's hue becomes the nearest of twelve classes (no inline style under the CSP)", () => {
    expect(peerClass("hsl(0 70% 45%)")).toBe("peer-0");
    expect(peerClass("hsl(44 70% 45%)")).toBe("peer-1");
    expect(peerClass("hsl(359 70% 45%)")).toBe("peer-0");
    expect(peerClass("red; background: url(x)")).toBe("peer-0");
    expect(peerClass(undefined)).toBe("peer-0");
  });
  it("lists the others once per account, with the name the server wrote", () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { id: "u1", name: "Ann", color: "hsl(120 70% 45%)" } }],
      [2, { user: { id: "u2", name: "Bob", color: "hsl(240 70% 45%)" } }],
      [3, { user: { id: "u2", name: "Bob", color: "hsl(240 70% 45%)" } }],
      [4, { cursor: null }],
    ]);
    expect(peersOf(states, 1)).toEqual([{ clientId: 2, id: "u2", name: "Bob", className: "peer-8" }]);
  });
});
