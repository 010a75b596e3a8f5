import { describe, expect, it } from "vitest";
import { addDays, checkPastDate, daysBetween, isLocalDate, localDateOf } from "./local-date.js";

describe("local dates", () => {
  it("does calendar arithmetic across months, leap days and DST dates", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2026-03-08", 1)).toBe("2026-03-09");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(daysBetween("2025-01-01", "2026-01-01")).toBe(365);
    expect(daysBetween("2026-03-09", "2026-03-07")).toBe(-2);
  });

  it("finds the local day of an instant in a zone", () => {
    expect(localDateOf(new Date("2026-03-08T04:30:00Z"), "America/New_York")).toBe("2026-03-07");
    expect(localDateOf(new Date("2026-03-08T04:30:00Z"), "Asia/Tokyo")).toBe("2026-03-08");
  });

  it("validates days and refuses the future in the zone", () => {
    expect(isLocalDate("2026-02-29")).toBe(false);
    expect(isLocalDate("2024-02-29")).toBe(true);
    const now = new Date("2026-01-15T12:00:00Z");
    expect(checkPastDate("2026-01-16", "Pacific/Kiritimati", now, "/body/date")).toBe("2026-01-16");
    expect(() => checkPastDate("2026-01-16", "UTC", now, "/body/date")).toThrow(/future/);
  });
});
