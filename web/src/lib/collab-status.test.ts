import { describe, expect, it } from "vitest";
import { endedByClose, endedByRefusal, rightsFromStateless, statusText, withRights } from "./collab-status";
import { PEER_CLASSES, peerClass, peerColors, peersOf } from "./peer-colors";

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
  it("every class's label colour keeps 4.5:1 against its white text (WCAG AA)", () => {
    for (let i = 0; i < PEER_CLASSES; i++) {
      const { solid } = peerColors(i);
      expect(contrastWithWhite(solid), `${solid} behind white`).toBeGreaterThanOrEqual(4.5);
    }
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

/** WCAG 2 contrast ratio of white on `hsl(H S% L%)`. */
function contrastWithWhite(hsl: string): number {
  const [h, sat, light] = /^hsl\((\d+) (\d+)% (\d+)%\)$/.exec(hsl)!.slice(1).map(Number) as [
    number,
    number,
    number,
  ];
  const s = sat / 100;
  const l = light / 100;
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = 0.2126 * linear(channel(0)) + 0.7152 * linear(channel(8)) + 0.0722 * linear(channel(4));
  return 1.05 / (luminance + 0.05);
}
