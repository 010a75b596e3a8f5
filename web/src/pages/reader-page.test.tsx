import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json } from "../test/fake-api";
import { link } from "../test/fixtures";
import { renderPage } from "../test/render";
import { ReaderPage } from "./reader-page";

const HTML = "<p>He said the spice must flow, and it did.</p><p>Second paragraph.</p>";

function setup(over: Record<string, unknown> = {}) {
  fakeApi.on("GET /api/links/l1", () => json({ ...link(over), html: HTML }));
  fakeApi.on("GET /api/highlights", () => json({ items: [], nextCursor: null }));
}

describe("ReaderPage", () => {
  it("shows the article inside the app with its settings, kept in this browser", async () => {
    setup();
    renderPage(ReaderPage, "/articles/:id", "/articles/l1");
    expect(await screen.findByRole("heading", { level: 1, name: "On Keeping Things" })).toBeTruthy();
    expect(screen.getByText("Second paragraph.")).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText("Text size"), "l");
    await userEvent.selectOptions(screen.getByLabelText("Colours"), "dark");
    expect(localStorage.getItem("readlog:reader-size")).toBe("l");
    expect(document.querySelector(".reader")?.getAttribute("data-theme")).toBe("dark");
    expect(fakeApi.calls.find((c) => c.path === "/api/highlights")).toBeTruthy();
  });

  it("keeps the selected text as a highlight with its quote (exact, prefix, suffix) and position", async () => {
    setup();
    fakeApi.on("POST /api/highlights", (_r, body) => json({ id: "h1", ...(body as object) }, 201));
    renderPage(ReaderPage, "/articles/:id", "/articles/l1");
    const p = await screen.findByText(/He said the spice/);
    const text = p.firstChild as Text;
    const range = document.createRange();
    range.setStart(text, 8);
    range.setEnd(text, 17);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    fireEvent(document, new Event("selectionchange"));
    await userEvent.click(await screen.findByRole("button", { name: "Highlight the selection" }));
    await waitFor(() => expect(fakeApi.callsTo("POST", "/api/highlights")).toHaveLength(1));
    expect(fakeApi.callsTo("POST", "/api/highlights")[0]?.body).toMatchObject({
      text: "the spice",
      target: { type: "link", id: "l1" },
      location: {
        quote: {
          exact: "the spice",
          prefix: "He said ",
          suffix: expect.stringMatching(/^ must flow, and it did\./),
        },
        position: { start: 8, end: 17 },
      },
    });
  });

  it("says why an article is not readable", async () => {
    fakeApi.on("GET /api/links/l1", () =>
      json({ ...link({ status: "failed", error: "not an article" }), html: null }),
    );
    renderPage(ReaderPage, "/articles/:id", "/articles/l1");
    expect(await screen.findByText("Could not be saved: not an article")).toBeTruthy();
  });
});
