import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { movingAverage } from "./bar-chart";
import { Heatmap, levels } from "./heatmap";

function Harness({ pages }: { pages: Map<string, number> }) {
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <Heatmap year={2026} pages={pages} selected={selected} onSelect={setSelected} />
      <output>{selected ?? "none"}</output>
    </>
  );
}

describe("Heatmap", () => {
  it("draws one square per day of the year, each named with its day and pages", () => {
    render(<Harness pages={new Map([["2026-03-02", 42]])} />);
    const squares = screen.getAllByRole("button");
    expect(squares).toHaveLength(365);
    const day = squares.find((s) => s.getAttribute("data-day") === "2026-03-02");
    expect(day?.getAttribute("aria-label")).toMatch(/42 pages/);
    expect(day?.getAttribute("data-level")).toBe("4");
    // One square in the tab order: the first day with pages.
    expect(
      squares.filter((s) => s.getAttribute("tabindex") === "0").map((s) => s.getAttribute("data-day")),
    ).toEqual(["2026-03-02"]);
  });

  it("moves by day with ↑↓, by week with ←→, and to the ends with Home/End", () => {
    render(<Harness pages={new Map([["2026-03-02", 42]])} />);
    const start = screen.getAllByRole("button").find((s) => s.getAttribute("tabindex") === "0");
    if (!start) throw new Error("no focusable square");
    fireEvent.keyDown(start, { key: "ArrowDown" });
    expect(screen.getByRole("status").textContent).toBe("2026-03-03");
    fireEvent.keyDown(document.activeElement ?? start, { key: "ArrowRight" });
    expect(screen.getByRole("status").textContent).toBe("2026-03-10");
    expect(document.activeElement?.getAttribute("data-day")).toBe("2026-03-10");
    fireEvent.keyDown(document.activeElement ?? start, { key: "End" });
    expect(screen.getByRole("status").textContent).toBe("2026-12-31");
    fireEvent.keyDown(document.activeElement ?? start, { key: "ArrowDown" });
    expect(screen.getByRole("status").textContent).toBe("2026-12-31");
  });

  it("splits reading days into quartile levels, 0 for none", () => {
    const level = levels([1, 2, 3, 4, 5, 6, 7, 8, 0]);
    expect([0, 1, 2, 4, 6, 8].map(level)).toEqual([0, 1, 1, 2, 3, 4]);
  });
});

describe("movingAverage", () => {
  it("averages each full window and leaves the first days empty", () => {
    expect(movingAverage([1, 2, 3, 4, 5], 3)).toEqual([null, null, 2, 3, 4]);
  });
});
