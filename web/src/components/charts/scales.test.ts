import { describe, expect, it } from "vitest";
import { areaPath, bandScale, linearScale, linePath, niceDomain, ticks } from "./scales";

// Expected values are d3-scale 4.0.3 / d3-shape 3.2.1's answers for the same calls (the charts drew with them).
describe("chart scales", () => {
  it("widens a domain to round bounds and picks round ticks, as d3's linear.nice() and ticks()", () => {
    expect(niceDomain(0, 101)).toEqual([0, 110]);
    expect(niceDomain(0, 1234)).toEqual([0, 1300]);
    expect(niceDomain(0, 9.5)).toEqual([0, 10]);
    expect(niceDomain(0, 0.3)).toEqual([0, 0.3]);
    expect(ticks(0, 1300, 4)).toEqual([0, 500, 1000]);
    expect(ticks(0, 7, 4)).toEqual([0, 2, 4, 6]);
    expect(ticks(0, 0.3, 4)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(ticks(5, 5, 4)).toEqual([5]);
  });

  it("maps values linearly (top to bottom for a y axis)", () => {
    const y = linearScale([0, 250], [192, 10], { nice: true });
    expect(y.ticks(4)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(y(0)).toBe(192);
    expect(y(260)).toBe(10);
    expect(y(130)).toBeCloseTo(101);
  });

  it("splits a range into padded bands, centred", () => {
    const x = bandScale(["a", "b", "c", "d"], [44, 712], 0.2);
    expect(x("a")).toBeCloseTo(75.8095, 3);
    expect(x("d")).toBeCloseTo(552.9524, 3);
    expect(x.bandwidth()).toBeCloseTo(127.2381, 3);
    expect(x("z")).toBeUndefined();
  });

  it("draws a line with gaps for missing values and the area under a line", () => {
    expect(linePath([null, [0, 3], [10, 4.5], null, [30, 7], [40, 8]])).toBe("M0,3L10,4.5M30,7L40,8");
    expect(linePath([])).toBe("");
    expect(
      areaPath(
        [
          [1, 5],
          [2, 7],
          [4, 3],
        ],
        100,
      ),
    ).toBe("M1,5L2,7L4,3L4,100L2,100L1,100Z");
  });
});
