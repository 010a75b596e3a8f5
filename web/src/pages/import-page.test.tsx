import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeXhr } from "../test/fake-xhr";
import { renderPage } from "../test/render";
import { ImportPage } from "./import-page";

const CSV_REPORT = {
  dryRun: true,
  rows: 1,
  created: 1,
  updated: 0,
  unchanged: 0,
  rowsWithProblems: 0,
  problems: [],
  results: [{ line: 2, title: "Dune", bookId: null, action: "created", changes: [] }],
  resultsOmitted: 0,
};

afterEach(() => vi.unstubAllGlobals());

describe("ImportPage", () => {
  it("runs a trial import of a Goodreads export and shows every row", async () => {
    const FakeXhr = fakeXhr(CSV_REPORT);
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    renderPage(ImportPage, "/library/import", "/library/import");
    await userEvent.upload(await screen.findByLabelText("File"), new File(["Title\nDune"], "goodreads.csv"));
    await userEvent.click(screen.getByLabelText("Trial run: report what would change, save nothing"));
    await userEvent.click(screen.getByRole("button", { name: "Check the file" }));
    expect(await screen.findByRole("heading", { name: "Trial run: nothing was saved" })).toBeTruthy();
    expect(FakeXhr.sent[0]?.url).toBe("/api/imports/goodreads?dryRun=true");
  });

  it("offers no trial run for a Readlog export, which is restored whole", async () => {
    const FakeXhr = fakeXhr({ counts: { books: 3, readings: 4, progressEntries: 5 } });
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    renderPage(ImportPage, "/library/import", "/library/import");
    await userEvent.click(await screen.findByLabelText("Readlog export (JSON)"));
    expect(screen.queryByLabelText("Trial run: report what would change, save nothing")).toBeNull();
    expect(screen.getByText("The JSON file from Settings → Export")).toBeTruthy();
    await userEvent.upload(screen.getByLabelText("File"), new File(["{}"], "readlog.json"));
    await userEvent.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText("3 books, 4 read-throughs, 5 progress entries.")).toBeTruthy();
    expect(FakeXhr.sent[0]?.url).toBe("/api/import");
  });
});
