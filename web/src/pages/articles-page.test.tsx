import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { link } from "../test/fixtures";
import { renderPage } from "../test/render";
import { ArticlesPage } from "./articles-page";

describe("ArticlesPage", () => {
  it("lists unread articles with their status, the last error in words for a failed one", async () => {
    fakeApi.on("GET /api/links", (r) => {
      expect(new URL(r.url).searchParams.get("unread")).toBe("true");
      return json({
        items: [
          link(),
          link({
            id: "l2",
            title: null,
            status: "failed",
            error: "403 from the site",
            url: "https://x.org/a",
          }),
        ],
        nextCursor: null,
      });
    });
    renderPage(ArticlesPage, "/articles", "/articles");
    const list = await screen.findByRole("list", { name: "Articles" });
    expect(within(list).getByRole("link", { name: "On Keeping Things" }).getAttribute("href")).toBe(
      "/articles/l1",
    );
    expect(within(list).getByText("Could not be saved: 403 from the site")).toBeTruthy();
    expect(within(list).getAllByText(/Example Essays · 10 min/)).toHaveLength(2);
  });

  it("saves a link from the box and shows the server's field error next to the address", async () => {
    fakeApi.on("GET /api/links", () => json({ items: [], nextCursor: null }));
    fakeApi.on("POST /api/links", () =>
      problem(400, "url: not allowed", [
        { field: "/body/url", rule: "host", message: "That address is on a private network" },
      ]),
    );
    renderPage(ArticlesPage, "/articles", "/articles");
    expect(await screen.findByText("Nothing left to read")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Address"), "http://10.0.0.1/x");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("That address is on a private network")).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/links")[0]?.body).toEqual({ url: "http://10.0.0.1/x" });
  });

  it("filters favourites and marks one as favourite", async () => {
    fakeApi.on("GET /api/links", () => json({ items: [link()], nextCursor: null }));
    fakeApi.on("PATCH /api/links/l1", () => json(link({ favourite: true })));
    renderPage(ArticlesPage, "/articles", "/articles");
    await screen.findByRole("list", { name: "Articles" });
    await userEvent.click(screen.getByRole("button", { name: "Favourites" }));
    await waitFor(() =>
      expect(fakeApi.calls.some((c) => c.path === "/api/links" && c.method === "GET")).toBe(true),
    );
    await userEvent.click(await screen.findByRole("button", { name: /☆ Favourite/ }));
    await waitFor(() =>
      expect(fakeApi.callsTo("PATCH", "/api/links/l1")[0]?.body).toEqual({ favourite: true }),
    );
  });
});
