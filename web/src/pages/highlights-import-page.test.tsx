import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeXhr } from "../test/fake-xhr";
import { renderPage } from "../test/render";
import { HighlightsImportPage } from "./highlights-import-page";

const REPORT = {
  format: "kindle",
  dryRun: true,
  rows: 2,
  created: 1,
  updated: 0,
  unchanged: 0,
  duplicates: 1,
  skipped: 0,
  rowsWithProblems: 1,
  problemCount: 1,
  problems: [{ line: 7, severity: "warning", message: "No location on this clipping" }],
  books: { matched: 1, created: 0 },
  results: [
    { line: 1, kind: "highlight", action: "created", id: "h1", bookId: "b1", book: "Dune" },
    {
      line: 6,
      kind: "highlight",
      action: "duplicate",
      id: null,
      bookId: "b1",
      book: "Dune",
      detail: "same as line 1",
    },
  ],
  resultsOmitted: 0,
};

afterEach(() => vi.unstubAllGlobals());

describe("HighlightsImportPage", () => {
  it("asks for a file before sending anything", async () => {
    renderPage(HighlightsImportPage, "/notes/import", "/notes/import");
    await userEvent.click(await screen.findByRole("button", { name: "Check the file" }));
    expect(screen.getByText("Choose a file to import")).toBeTruthy();
  });

  it("runs a trial import of My Clippings.txt and shows the per-row report", async () => {
    const FakeXhr = fakeXhr(REPORT);
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    renderPage(HighlightsImportPage, "/notes/import", "/notes/import");
    const file = new File(["Dune (Frank Herbert)\n- Your Highlight…"], "My Clippings.txt", {
      type: "text/plain",
    });
    await userEvent.upload(await screen.findByLabelText("File"), file);
    await userEvent.click(screen.getByRole("button", { name: "Check the file" }));
    expect(await screen.findByRole("heading", { name: "Trial run: nothing was saved" })).toBeTruthy();
    expect(FakeXhr.sent[0]?.url).toBe("/api/imports/kindle?dryRun=true");
    expect(screen.getByText("No location on this clipping")).toBeTruthy();
    expect(screen.getByText("duplicate: same as line 1")).toBeTruthy();
  });
});
