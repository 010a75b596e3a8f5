import { describe, expect, it } from "vitest";
import { applyHunks, editLimit, hunksOf, mergeThreeWay } from "./three-way-merge.js";

describe("three-way text merge", () => {
  it("finds minimal hunks that rebuild the target", () => {
    const a = "The spice must flow. Fear is the mind-killer.";
    const b = "The melange must flow. Fear is the little death.";
    const hunks = hunksOf(a, b);
    expect(applyHunks(a, hunks)).toBe(b);
    // Two separate places changed, not one span from the first change to the last.
    expect(hunks.length).toBeGreaterThan(1);
    expect(hunks.every((h) => h.end - h.start < 20)).toBe(true);
    expect(hunksOf(a, a)).toEqual([]);
  });

  it("counts positions in UTF-16 units and never splits a surrogate pair", () => {
    const a = "read 📚 then 📖 sleep";
    const b = "read 📗 then 📖 rest";
    const hunks = hunksOf(a, b);
    expect(applyHunks(a, hunks)).toBe(b);
    for (const h of hunks) {
      expect(a.slice(h.start, h.end)).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
  });

  it("keeps both sides' changes to different text", () => {
    const base = "Alpha. Beta. Gamma.";
    const ours = "Alpha! Beta. Gamma.";
    const theirs = "Alpha. Beta. Gamma, delta.";
    expect(mergeThreeWay(base, ours, theirs)).toEqual({ ok: true, text: "Alpha! Beta. Gamma, delta." });
    expect(mergeThreeWay(base, theirs, ours)).toEqual({ ok: true, text: "Alpha! Beta. Gamma, delta." });
  });

  it("refuses changes of the same text, keeping ours there and theirs elsewhere", () => {
    const base = "one two three four";
    const merged = mergeThreeWay(base, "one TWO three four", "one 2 three FOUR");
    expect(merged).toEqual({ ok: false, conflicts: 1, text: "one TWO three FOUR" });
    // Two insertions at one place: no order is known.
    expect(mergeThreeWay("ab", "aXb", "aYb").ok).toBe(false);
  });

  it("takes the same change made on both sides once", () => {
    expect(mergeThreeWay("a b c", "a B c", "a B c")).toEqual({ ok: true, text: "a B c" });
    expect(mergeThreeWay("a b c d", "a B c d", "a B c D")).toEqual({ ok: true, text: "a B c D" });
  });

  it("handles a large text with small edits quickly and a change too large to diff as one hunk", () => {
    const para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
    const base = para.repeat(5_000); // 290 KB
    const ours = `START ${base}`;
    const theirs = `${base.slice(0, 150_000)}MIDDLE${base.slice(150_000)} END`;
    const merged = mergeThreeWay(base, ours, theirs);
    expect(merged.ok).toBe(true);
    expect(merged.text).toBe(`START ${theirs}`);
    const random = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * seed) % 26))).join("");
    const a = random(50_000, 7);
    const b = random(50_000, 11);
    expect(applyHunks(a, hunksOf(a, b))).toBe(b);
  });

  it("diffs the same texts the same way whatever the load: the edit limit depends on the length only", () => {
    expect(editLimit(100)).toBe(4_000);
    expect(editLimit(1_000_000)).toBe(64);
    expect(editLimit(10_000)).toBeLessThanOrEqual(4_000);
    // A short note typed at both ends merges with a change in its middle (it once timed out under load).
    const base = "alpha\n\nmiddle\n\nomega";
    const typed = `${Array.from({ length: 20 }, (_, i) => `a${i} `).join("")}${base}${Array.from({ length: 20 }, (_, i) => ` b${i}`).join("")}`;
    const merged = mergeThreeWay(base, "alpha\n\nMIDDLE\n\nomega", typed);
    expect(merged).toEqual({ ok: true, text: typed.replace("middle", "MIDDLE") });
  });
});
