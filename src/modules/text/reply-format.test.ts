import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatChoicePrompt,
  formatDuration,
  formatProgressReply,
  percentRead,
  projectFinish,
  shortDate,
  shortTitle,
} from "./reply-format.js";

describe("reply formatting", () => {
  it("writes the progress reply of the design", () => {
    const finishOn = projectFinish({ page: 142, totalPages: 412, pagesPerDay: 12, today: "2026-11-19" });
    expect(finishOn).toBe("2026-12-12");
    expect(
      formatProgressReply({
        title: "Dune",
        page: 142,
        totalPages: 412,
        pagesToday: 22,
        finishOn,
        today: "2026-11-19",
      }),
    ).toBe("Dune: p.142 (+22 today, 34%). At this pace you finish on 12 Dec.");
  });

  it("leaves out what it does not know", () => {
    expect(formatProgressReply({ title: "Dune", page: 142 })).toBe("Dune: p.142.");
    expect(formatProgressReply({ title: "Dune", page: 142, pagesToday: 0, totalPages: 412 })).toBe(
      "Dune: p.142 (34%).",
    );
    expect(formatProgressReply({ title: "Dune", page: 412, totalPages: 412, finishOn: "2026-11-19" })).toBe(
      "Dune: p.412 (100%). That is the last page: send `finished` to shelve it.",
    );
  });

  it("shows the year only when it is not this year", () => {
    expect(shortDate("2026-12-12", "2026-11-19")).toBe("12 Dec");
    expect(shortDate("2027-01-03", "2026-11-19")).toBe("3 Jan 2027");
    expect(shortDate("2027-01-03")).toBe("3 Jan 2027");
    expect(shortDate("not a date")).toBe("not a date");
  });

  it("projects the finishing day only when it can", () => {
    const base = { page: 100, totalPages: 200, today: "2026-02-27" };
    expect(projectFinish({ ...base, pagesPerDay: 50 })).toBe("2026-03-01");
    expect(projectFinish({ ...base, pagesPerDay: 0 })).toBeUndefined();
    expect(projectFinish({ ...base, pagesPerDay: Number.NaN })).toBeUndefined();
    expect(projectFinish({ ...base, pagesPerDay: 0.001 })).toBeUndefined();
    expect(projectFinish({ ...base, page: 250, pagesPerDay: 10 })).toBe("2026-02-27");
    expect(projectFinish({ page: 1, pagesPerDay: 10, today: "2026-02-27" })).toBeUndefined();
  });

  it("rounds percent down and clamps it", () => {
    expect(percentRead(142, 412)).toBe(34);
    expect(percentRead(411, 412)).toBe(99);
    expect(percentRead(500, 412)).toBe(100);
    expect(percentRead(1, 0)).toBeUndefined();
    expect(percentRead(1)).toBeUndefined();
  });

  it("numbers choices from 1", () => {
    expect(formatChoicePrompt(["Dune", "Dune Messiah"])).toBe(
      "Which book? 1) Dune 2) Dune Messiah — reply with the number",
    );
    expect(formatChoicePrompt(["a"], "Which card?")).toBe("Which card? 1) a — reply with the number");
  });

  it("cuts long titles without splitting characters", () => {
    expect(shortTitle("a".repeat(100))).toHaveLength(60);
    expect(shortTitle("📖".repeat(100), 5)).toBe("📖📖📖📖…");
    expect(shortTitle("  Dune \n Messiah ")).toBe("Dune Messiah");
  });

  it("formats durations", () => {
    expect(formatDuration(30)).toBe("30 min");
    expect(formatDuration(60)).toBe("1 h");
    expect(formatDuration(90)).toBe("1 h 30 min");
    expect(formatDuration(1440)).toBe("1 day");
    expect(formatDuration(3 * 1440)).toBe("3 days");
    expect(formatDuration(10080)).toBe("1 week");
    expect(formatDuration(2 * 10080)).toBe("2 weeks");
  });

  it("projects a day no earlier than today, for any pace", () => {
    fc.assert(
      fc.property(
        fc.nat(5000),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0.01, max: 1000 }),
        (p, total, pace) => {
          const day = projectFinish({ page: p, totalPages: total, pagesPerDay: pace, today: "2026-03-29" });
          if (day !== undefined) expect(day >= "2026-03-29").toBe(true);
        },
      ),
    );
  });
});
