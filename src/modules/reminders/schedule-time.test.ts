import { describe, expect, it } from "vitest";
import { fireAt, latestDue, nextSlot, resolveWall, type Timing, type When } from "./schedule-time.js";

const timing = (when: When, zone: string, quiet: Timing["quiet"] = null): Timing => ({
  when,
  zone,
  quiet,
  createdAt: new Date("2026-01-01T00:00:00Z"),
});

/** Every slot from `from` up to `to`, in order. */
function slots(t: Timing, from: string, to: string): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (;;) {
    const next = nextSlot(t, at);
    if (!next || next.getTime() > Date.parse(to)) return out;
    out.push(next.toISOString());
    at = next;
  }
}

describe("next-fire computation across DST changes", () => {
  it("New York: 02:30 on the spring-forward day fires once, at 03:00 EDT (the first valid instant)", () => {
    const t = timing({ daily: "02:30" }, "America/New_York");
    expect(slots(t, "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z")).toEqual([
      "2026-03-08T07:00:00.000Z", // 03:00 EDT: 02:30 does not exist on 8 March 2026
      "2026-03-09T06:30:00.000Z", // 02:30 EDT
    ]);
  });

  it("New York: 01:30 on the fall-back day (it happens twice) fires once, at the first", () => {
    const t = timing({ daily: "01:30" }, "America/New_York");
    expect(slots(t, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual([
      "2026-11-01T05:30:00.000Z", // 01:30 EDT; the second 01:30 (EST, 06:30Z) is skipped
      "2026-11-02T06:30:00.000Z",
    ]);
  });

  it("Berlin: 02:30 on the spring-forward day fires once, at 03:00 CEST", () => {
    const t = timing({ daily: "02:30" }, "Europe/Berlin");
    expect(slots(t, "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z")).toEqual([
      "2026-03-29T01:00:00.000Z",
      "2026-03-30T00:30:00.000Z",
    ]);
  });

  it("Berlin: 02:30 on the fall-back day (it happens twice) fires once", () => {
    const t = timing({ daily: "02:30" }, "Europe/Berlin");
    expect(slots(t, "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z")).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST; the repeat at 02:30 CET (01:30Z) is not another slot
      "2026-10-26T01:30:00.000Z",
    ]);
  });

  it("an RRULE follows the same rules (weekly on Sunday 02:30 in Berlin)", () => {
    const t = timing({ rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=30" }, "Europe/Berlin");
    expect(slots(t, "2026-03-20T00:00:00Z", "2026-04-06T00:00:00Z")).toEqual([
      "2026-03-22T01:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-04-05T00:30:00.000Z",
    ]);
  });

  it("weekdays pick only the given ISO days", () => {
    const t = timing({ weekdays: [1, 3], at: "20:00" }, "UTC");
    // 2026-01-05 is a Monday.
    expect(slots(t, "2026-01-04T00:00:00Z", "2026-01-12T00:00:00Z")).toEqual([
      "2026-01-05T20:00:00.000Z",
      "2026-01-07T20:00:00.000Z",
    ]);
  });

  it("resolveWall: an ordinary time is exact", () => {
    expect(
      resolveWall({ year: 2026, month: 6, day: 1, hour: 9, minute: 15 }, "Asia/Kolkata").toISOString(),
    ).toBe("2026-06-01T03:45:00.000Z");
  });
});

describe("quiet hours and catch-up", () => {
  it("a slot inside quiet hours across midnight is delivered when they end", () => {
    const t = timing({ daily: "23:00" }, "Europe/Berlin", { from: "22:00", to: "07:00" });
    const slot = nextSlot(t, new Date("2026-06-01T00:00:00Z"))!;
    expect(slot.toISOString()).toBe("2026-06-01T21:00:00.000Z");
    expect(fireAt(t, slot).toISOString()).toBe("2026-06-02T05:00:00.000Z"); // 07:00 CEST next morning
  });

  it("a slot outside quiet hours is not moved", () => {
    const t = timing({ daily: "08:00" }, "UTC", { from: "22:00", to: "07:00" });
    const slot = nextSlot(t, new Date("2026-06-01T00:00:00Z"))!;
    expect(fireAt(t, slot)).toEqual(slot);
  });

  it("after downtime the latest missed slot is the one to fire", () => {
    const t = timing({ daily: "08:00" }, "UTC");
    const first = new Date("2026-01-01T08:00:00Z");
    expect(latestDue(t, first, new Date("2026-01-05T09:00:00Z")).toISOString()).toBe(
      "2026-01-05T08:00:00.000Z",
    );
    expect(latestDue(t, first, new Date("2026-03-05T07:00:00Z")).toISOString()).toBe(
      "2026-03-04T08:00:00.000Z",
    );
  });
});
