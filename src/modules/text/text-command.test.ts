import { describe, expect, it } from "vitest";
import { isTextCommand, resolveBareNumber } from "./text-command.js";

describe("resolveBareNumber", () => {
  it("answers a pending choice when the number is in range", () => {
    expect(resolveBareNumber(2, { pendingChoices: 3 })).toEqual({ kind: "choice", choice: 2 });
    expect(resolveBareNumber(2, { pendingChoices: 3, reviewing: true })).toEqual({
      kind: "choice",
      choice: 2,
    });
  });

  it("grades a review card with 1–4", () => {
    expect(resolveBareNumber(1, { reviewing: true })).toEqual({ kind: "grade", grade: 1 });
    expect(resolveBareNumber(4, { reviewing: true })).toEqual({ kind: "grade", grade: 4 });
    expect(resolveBareNumber(5, { reviewing: true })).toEqual({ kind: "page", page: 5 });
  });

  it("is a page otherwise", () => {
    expect(resolveBareNumber(142, {})).toEqual({ kind: "page", page: 142 });
    expect(resolveBareNumber(142, { pendingChoices: 2 })).toEqual({ kind: "page", page: 142 });
    expect(resolveBareNumber(2, { pendingChoices: 0 })).toEqual({ kind: "page", page: 2 });
  });
});

describe("isTextCommand", () => {
  it("accepts well-formed commands", () => {
    for (const c of [
      { kind: "page", page: 1, title: "Dune", totalPages: 2, on: { kind: "yesterday", date: "2026-01-01" } },
      { kind: "delta", pages: 3, on: { kind: "relative", daysAgo: 2 } },
      { kind: "percent", percent: 0 },
      { kind: "link", urls: ["https://x.y"] },
      { kind: "unknown", code: "empty", reason: "Empty." },
    ]) {
      expect(isTextCommand(c)).toBe(true);
    }
  });

  it("rejects malformed ones", () => {
    for (const c of [
      null,
      "page",
      { kind: "nope" },
      { kind: "page", page: 0 },
      { kind: "page", page: 5, totalPages: 4 },
      { kind: "page", page: 1, title: "  " },
      { kind: "page", page: 1, on: { kind: "explicit" } },
      { kind: "percent", percent: 101 },
      { kind: "link", urls: [] },
      { kind: "link", urls: ["ftp://x"] },
      { kind: "grade", grade: 5 },
      { kind: "unknown", code: "empty", reason: "" },
    ]) {
      expect(isTextCommand(c)).toBe(false);
    }
  });
});
