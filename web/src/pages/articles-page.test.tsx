import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderApp } from "../test/render";
import { ArticlesPage } from "./articles-page";

const link = (over: Record<string, unknown>) => ({
  id: "l1",
  url: "https://example.com/a",
  canonicalUrl: "https://example.com/a",
  site: "example.com",
  status: "ready",
  error: null,
  title: "On Keeping Things",
  byline: null,
  siteName: "Example Essays",
  publishedTime: null,
  lang: "en",
  dir: null,
  excerpt: null,
  leadImage: null,
  contentType: "text/html",
  wordCount: 1400,
  readingMinutes: 7,
  minutesLeft: 4,
  images: { archived: 0, bytes: 0, skipped: 0 },
  tags: ["essays"],
  comment: null,
  source: "api",
  favourite: false,
  progress: 0.4,
  readAt: null,
  archivedAt: null,
  createdAt: "2026-11-20T10:00:00.000Z",
  updatedAt: "2026-11-20T10:00:00.000Z",
  readerUrl: "/read/l1",
  ...over,
});

describe("ArticlesPage", () => {
  it("lists unread articles with time left, says why one could not be read, and saves a link", async () => {
    fakeApi
      .on("GET /api/links", () =>
        json({
          items: [
            link({}),
            link({
              id: "l2",
              title: null,
              url: "https://x.example/b",
              status: "failed",
              error: "403 from the site",
              readingMinutes: null,
              minutesLeft: null,
            }),
          ],
          nextCursor: null,
        }),
      )
      .on("POST /api/links", (_r, body) =>
        (body as { url: string }).url.startsWith("https://")
          ? json(link({ id: "l3", status: "pending" }), 201)
          : problem(400, "Invalid request", [
              { field: "/body/url", rule: "http-url", message: "is not a URL" },
            ]),
      );
    renderApp(<ArticlesPage />, "/articles?save=https://new.example/post");
    const title = await screen.findByRole("link", { name: "On Keeping Things" });
    expect(title.getAttribute("href")).toBe("/articles/l1");
    expect(screen.getByText(/7 min read · 4 min left/)).toBeTruthy();
    expect(screen.getByText("Could not be read: 403 from the site")).toBeTruthy();
    expect(fakeApi.calls.find((c) => c.path === "/api/links")).toBeDefined();
    // The bookmarklet's address is filled in; saving sends it.
    expect((screen.getByLabelText("Save a link") as HTMLInputElement).value).toBe("https://new.example/post");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(fakeApi.callsTo("POST", "/api/links")[0]?.body).toEqual({ url: "https://new.example/post" }),
    );
  });
});
