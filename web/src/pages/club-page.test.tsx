import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, json } from "../test/fake-api";
import { renderPage, TEST_USER } from "../test/render";
import { ClubPage } from "./club-page";

/** The Socket.IO client the chat uses: records what the page emits and lets the test play the server. */
const socket = vi.hoisted(() => {
  type Fn = (data: unknown) => void;
  const s = {
    connected: false,
    handlers: new Map<string, Fn[]>(),
    emitted: [] as { event: string; payload: unknown }[],
    answer: (_event: string, _payload: unknown): unknown => ({ ok: true }),
    opened: 0,
    auth: {} as unknown,
    on(event: string, fn: Fn) {
      s.handlers.set(event, [...(s.handlers.get(event) ?? []), fn]);
      return s;
    },
    off(event: string, fn: Fn) {
      s.handlers.set(
        event,
        (s.handlers.get(event) ?? []).filter((f) => f !== fn),
      );
      return s;
    },
    emit(event: string, payload: unknown) {
      s.emitted.push({ event, payload });
      return s;
    },
    timeout() {
      return s;
    },
    async emitWithAck(event: string, payload: unknown) {
      s.emitted.push({ event, payload });
      return s.answer(event, payload);
    },
    disconnect() {
      s.connected = false;
    },
    /** The server sends `event`. */
    serverSends(event: string, data: unknown) {
      for (const fn of s.handlers.get(event) ?? []) fn(data);
    },
    reset() {
      s.connected = false;
      s.opened = 0;
      s.handlers.clear();
      s.emitted = [];
    },
  };
  return s;
});
vi.mock("socket.io-client", () => ({
  io: () => {
    socket.opened += 1;
    queueMicrotask(() => {
      socket.connected = true;
      socket.serverSends("connect", undefined);
    });
    return socket;
  },
}));

const message = (id: string, authorId: string, body: string) => ({
  id,
  clubId: "c1",
  authorId,
  authorName: authorId === "u1" ? "Ann" : "Bob",
  body,
  replyToId: null,
  mentions: [],
  source: "web",
  createdAt: `2026-11-20T10:0${id.slice(1)}:00Z`,
  editedAt: null,
  deletedAt: null,
  reactions: [],
});

const CLUB = {
  id: "c1",
  name: "Dune readers",
  description: "Slowly",
  role: "owner",
  reading: { title: "Dune", totalPages: 400, startsOn: "2026-11-01", pagesPerWeek: 50 },
  schedule: { week: 3, targetPage: 150 },
  createdAt: "2026-11-01T10:00:00Z",
  members: [
    { userId: "u1", name: "Ann", role: "owner", joinedAt: "2026-11-01T10:00:00Z", progress: null },
    {
      userId: "u2",
      name: "Bob",
      role: "member",
      joinedAt: "2026-11-02T10:00:00Z",
      progress: { page: 120, totalPages: 400 },
    },
  ],
  me: { shareProgress: true, bookId: null, deliverChat: null },
};

beforeEach(() => {
  socket.reset();
  socket.answer = (event, payload) => {
    if (event === "room:join")
      return {
        ok: true,
        data: {
          history: { items: [message("m1", "u2", "Who has started?")], more: false },
          present: ["u1", "u2"],
          unread: 1,
        },
      };
    if (event === "club:send")
      return { ok: true, data: message("m2", "u1", (payload as { body: string }).body) };
    if (event === "club:read") return { ok: true, data: { unread: 0 } };
    return { ok: true };
  };
  fakeApi.on("GET /api/clubs/c1", () => json(CLUB));
});

describe("ClubPage", () => {
  it("shows the book, the week's target, the members with shared progress, and the chat's history", async () => {
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    expect(await screen.findByRole("heading", { level: 1, name: "Dune readers" })).toBeTruthy();
    expect(screen.getByText(/read up to page 150/)).toBeTruthy();
    const members = screen.getByRole("list", { name: "Members" });
    expect(within(members).getByText("p. 120 of 400")).toBeTruthy();
    const chat = await screen.findByRole("list", { name: "Messages" });
    expect(await within(chat).findByText("Who has started?")).toBeTruthy();
    expect(socket.emitted[0]).toEqual({ event: "room:join", payload: { room: "club:c1" } });
    expect(screen.getByText("Here now: Bob")).toBeTruthy();
    // The newest message was seen: the chat is marked read.
    await waitFor(() => expect(socket.emitted.some((e) => e.event === "club:read")).toBe(true));
  });

  it("sends a message, shows others' messages, typing, edits and reactions live", async () => {
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const chat = await screen.findByRole("list", { name: "Messages" });
    await within(chat).findByText("Who has started?");
    await userEvent.type(screen.getByLabelText("Message"), "Me, p. 40{Enter}");
    expect(await within(chat).findByText("Me, p. 40")).toBeTruthy();
    expect(socket.emitted.find((e) => e.event === "club:send")?.payload).toEqual({
      clubId: "c1",
      body: "Me, p. 40",
    });
    expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("");

    act(() => socket.serverSends("club:typing", { clubId: "c1", userId: "u2" }));
    expect(await screen.findByText("Bob is typing…")).toBeTruthy();
    act(() => socket.serverSends("club:message", message("m3", "u2", "Nice")));
    expect(await within(chat).findByText("Nice")).toBeTruthy();
    act(() =>
      socket.serverSends("club:message-edited", {
        clubId: "c1",
        messageId: "m3",
        body: "Nice!",
        editedAt: "2026-11-20T10:09:00Z",
      }),
    );
    expect(await within(chat).findByText("Nice!")).toBeTruthy();
    act(() =>
      socket.serverSends("club:reaction", {
        clubId: "c1",
        messageId: "m3",
        emoji: "👍",
        userId: "u1",
        add: true,
      }),
    );
    expect(await within(chat).findByRole("button", { name: /👍 1/, pressed: true })).toBeTruthy();
  });

  it("edits and deletes one's own message", async () => {
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const chat = await screen.findByRole("list", { name: "Messages" });
    await userEvent.type(await screen.findByLabelText("Message"), "Typo{Enter}");
    const mine = (await within(chat).findByText("Typo")).closest("li");
    if (!mine) throw new Error("no message");
    // Only one's own messages can be changed.
    expect(
      within(within(chat).getByText("Who has started?").closest("li") as HTMLElement).queryByRole("button", {
        name: "Edit",
      }),
    ).toBeNull();
    await userEvent.click(within(mine).getByRole("button", { name: "Edit" }));
    const box = within(mine).getByLabelText("Edit your message");
    await userEvent.clear(box);
    await userEvent.type(box, "Fixed{Enter}");
    expect(socket.emitted.find((e) => e.event === "club:edit")?.payload).toEqual({
      clubId: "c1",
      messageId: "m2",
      body: "Fixed",
    });
    await userEvent.click(within(mine).getByRole("button", { name: "Delete" }));
    expect(socket.emitted.find((e) => e.event === "club:delete")?.payload).toEqual({
      clubId: "c1",
      messageId: "m2",
    });
    expect(TEST_USER.id).toBe("u1");
  });

  it("shows a refusal's detail next to the message box", async () => {
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    await screen.findByText("Who has started?");
    socket.answer = () => ({
      ok: false,
      error: { status: 429, code: "flood", detail: "More than 10 messages a minute" },
    });
    await userEvent.type(screen.getByLabelText("Message"), "spam{Enter}");
    expect(await screen.findByText("More than 10 messages a minute")).toBeTruthy();
    expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("spam");
  });
});
