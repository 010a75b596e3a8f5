import { describe, expect, it } from "vitest";
import { ID_PATTERN, newId } from "./ids.js";

describe("newId", () => {
  it("makes RFC 9562 version 7 UUIDs carrying the time", () => {
    const id = newId(Date.UTC(2030, 0, 1));
    expect(id).toMatch(new RegExp(ID_PATTERN));
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(Date.UTC(2030, 0, 1));
  });

  it("sorts in creation order within one millisecond and when the clock steps back", () => {
    const t = Date.UTC(2031, 0, 1);
    const ids = [newId(t), ...Array.from({ length: 5000 }, () => newId(t)), newId(t - 5000), newId(t + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
