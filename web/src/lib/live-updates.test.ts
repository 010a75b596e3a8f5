import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { applyLiveEvent, whenPageSettled } from "./live-updates";

describe("live updates", () => {
  const event = (name: string, payload: Record<string, unknown> = {}) => ({
    id: "1",
    name,
    aggregateId: "b1",
    payload,
  });
  const staleAfter = (name: string, payload?: Record<string, unknown>) => {
    const client = new QueryClient();
    for (const key of [
      ["stats"],
      ["books", "reading", ""],
      ["book", "b1"],
      ["book", "b2"],
      ["me"],
      ["schedules"],
    ])
      client.setQueryData(key, {});
    applyLiveEvent(client, event(name, payload));
    return client
      .getQueryCache()
      .getAll()
      .filter((q) => q.isStale())
      .map((q) => q.queryKey.join("/"))
      .sort();
  };

  it("a page logged elsewhere refreshes the reading log and that book, nothing else", () => {
    expect(staleAfter("progress.recorded", { bookId: "b1" })).toEqual(["book/b1", "books/reading/", "stats"]);
  });
  it("a changed account refreshes who is signed in", () => {
    expect(staleAfter("user.changed")).toEqual(["me"]);
  });
  it("a note saved elsewhere (edited together) refreshes the notes, that note and search, nothing else", () => {
    const client = new QueryClient();
    for (const key of [["notes", {}], ["note", "n1"], ["note", "n2"], ["search", "q", ""], ["stats"]])
      client.setQueryData(key, {});
    applyLiveEvent(client, { id: "2", name: "note.updated", aggregateId: "n1", payload: { noteId: "n1" } });
    const stale = client
      .getQueryCache()
      .getAll()
      .filter((q) => q.isStale())
      .map((q) => JSON.stringify(q.queryKey));
    expect(stale.sort()).toEqual(['["note","n1"]', '["notes",{}]', '["search","q",""]']);
  });
  it("anything else refreshes everything", () => {
    expect(staleAfter("library.imported")).toHaveLength(6);
  });
});

describe("the live connection waits for the first screen", () => {
  const pending = (client: QueryClient) => {
    let answer: (n: number) => void = () => {};
    void client.fetchQuery({
      queryKey: ["slow"],
      queryFn: () =>
        new Promise<number>((resolve) => {
          answer = resolve;
        }),
    });
    return (n: number) => answer(n);
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

  it("opens once the page's requests have answered", async () => {
    const client = new QueryClient();
    const answer = pending(client);
    const start = vi.fn();
    whenPageSettled(client, start);
    await tick();
    expect(start).not.toHaveBeenCalled();
    answer(1);
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1));
  });
  it("opens at once on a page with nothing to load", async () => {
    const start = vi.fn();
    whenPageSettled(new QueryClient(), start);
    await vi.waitFor(() => expect(start).toHaveBeenCalledTimes(1));
  });
  it("never opens for a page left before it settled", async () => {
    const client = new QueryClient();
    const answer = pending(client);
    const start = vi.fn();
    const cancel = whenPageSettled(client, start);
    await tick();
    cancel();
    answer(1);
    await tick();
    await tick();
    expect(start).not.toHaveBeenCalled();
  });
});
