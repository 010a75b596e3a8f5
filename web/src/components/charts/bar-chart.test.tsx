import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { BarChart } from "./bar-chart";

const axis = (c: HTMLElement) => [...c.querySelectorAll(".axis > g text")].map((t) => t.textContent);

describe("BarChart", () => {
  it("labels an axis of small counts with whole numbers only", () => {
    const { container } = render(
      <BarChart
        title="Cards due"
        labelledBy="x"
        unit="cards"
        data={[
          { key: "a", label: "Fri", value: 1 },
          { key: "b", label: "Sat", value: 0 },
        ]}
      />,
    );
    expect(axis(container)).toEqual(["0", "1"]);
  });

  it("keeps fractional ticks when the values themselves are fractional", () => {
    const { container } = render(
      <BarChart title="Hours" labelledBy="x" unit="h" data={[{ key: "a", label: "Fri", value: 0.3 }]} />,
    );
    expect(axis(container).length).toBeGreaterThan(2);
  });
});
