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

  it("a moderator deletes anyone's message, after saying yes", async () => {
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const chat = await screen.findByRole("list", { name: "Messages" });
    const theirs = (await within(chat).findByText("Who has started?")).closest("li") as HTMLElement;
    expect(within(theirs).queryByRole("button", { name: "Edit" })).toBeNull();
    await userEvent.click(within(theirs).getByRole("button", { name: "Delete" }));
    await userEvent.click(within(theirs).getByRole("button", { name: "Yes, delete" }));
    expect(socket.emitted.find((e) => e.event === "club:delete")?.payload).toEqual({
      clubId: "c1",
      messageId: "m1",
    });
  });

  it("a member deletes only their own messages", async () => {
    fakeApi.on("GET /api/clubs/c1", () => json({ ...CLUB, role: "member" }));
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const chat = await screen.findByRole("list", { name: "Messages" });
    const theirs = (await within(chat).findByText("Who has started?")).closest("li") as HTMLElement;
    expect(within(theirs).queryByRole("button", { name: "Delete" })).toBeNull();
    // No settings, no invitations for a member; their own choices are there.
    expect(screen.queryByRole("form", { name: "Club settings" })).toBeNull();
    expect(screen.queryByRole("region", { name: "Invitations" })).toBeNull();
    expect(screen.getByRole("region", { name: "You in this club" })).toBeTruthy();
  });

  it("renames the club and sets its book and schedule (moderators)", async () => {
    fakeApi.on("PATCH /api/clubs/c1", () => json(CLUB));
    fakeApi.on("GET /api/clubs/c1/invites", () => json({ items: [] }));
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const form = await screen.findByRole("form", { name: "Club settings" });
    await userEvent.clear(within(form).getByLabelText("Club name"));
    await userEvent.type(within(form).getByLabelText("Club name"), "Arrakis readers");
    await userEvent.clear(within(form).getByLabelText("Target pages a week"));
    await userEvent.type(within(form).getByLabelText("Target pages a week"), "70");
    await userEvent.click(within(form).getByRole("button", { name: "Save the club" }));
    await waitFor(() =>
      expect(fakeApi.callsTo("PATCH", "/api/clubs/c1")[0]?.body).toEqual({
        name: "Arrakis readers",
        description: "Slowly",
        reading: { title: "Dune", totalPages: 400, startsOn: "2026-11-01", pagesPerWeek: 70 },
      }),
    );
    // A bad number is refused before anything is sent.
    await userEvent.clear(within(form).getByLabelText("Target pages a week"));
    await userEvent.type(within(form).getByLabelText("Target pages a week"), "0");
    await userEvent.click(within(form).getByRole("button", { name: "Save the club" }));
    expect(await within(form).findByText("Pages a week must be between 1 and 10000")).toBeTruthy();
    expect(fakeApi.callsTo("PATCH", "/api/clubs/c1")).toHaveLength(1);
  });

  it("makes an expiring invitation link, invites an account, revokes an invitation", async () => {
    let items = [
      {
        id: "i1",
        clubId: "c1",
        kind: "link",
        userId: null,
        expiresAt: "2099-01-01T00:00:00Z",
        revokedAt: null,
        uses: 2,
        createdAt: "2026-11-01T10:00:00Z",
      },
    ];
    fakeApi.on("GET /api/clubs/c1/invites", () => json({ items }));
    fakeApi.on("POST /api/clubs/c1/invites", (_r, body) =>
      json({ ...items[0], id: "i2", ...((body as { link?: unknown }).link ? { token: "tok" } : {}) }, 201),
    );
    fakeApi.on("DELETE /api/club-invites/i1", () => {
      items = [];
      return new Response(null, { status: 204 });
    });
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const invites = await screen.findByRole("region", { name: "Invitations" });
    await userEvent.selectOptions(within(invites).getByLabelText("Link valid for"), "1 week");
    await userEvent.click(within(invites).getByRole("button", { name: "Make an invitation link" }));
    const url = (await within(invites).findByLabelText(/Invitation link \(valid 1 week/)) as HTMLInputElement;
    expect(url.value).toMatch(/\/clubs\/join\?token=tok$/);
    expect(fakeApi.callsTo("POST", "/api/clubs/c1/invites")[0]?.body).toEqual({
      link: { expiresInHours: 168 },
    });
    await userEvent.type(within(invites).getByLabelText("Invite an account by email"), "cy@example.com");
    await userEvent.click(within(invites).getByRole("button", { name: "Invite" }));
    expect(await within(invites).findByText("Invited cy@example.com")).toBeTruthy();
    const open = within(invites).getByRole("list", { name: "Open invitations" });
    expect(within(open).getByText(/Link, used 2 times/)).toBeTruthy();
    await userEvent.click(within(open).getByRole("button", { name: "Revoke this invitation" }));
    await waitFor(() => expect(within(invites).queryByRole("list", { name: "Open invitations" })).toBeNull());
  });

  it("the owner makes a member moderator and removes them; my own choices save as I change them", async () => {
    fakeApi.on("GET /api/clubs/c1/invites", () => json({ items: [] }));
    fakeApi.on("GET /api/books", () => json({ items: [{ id: "b1", title: "Dune" }], nextCursor: null }));
    fakeApi.on("POST /api/clubs/c1/role", () => new Response(null, { status: 204 }));
    fakeApi.on("POST /api/clubs/c1/remove-member", () => new Response(null, { status: 204 }));
    fakeApi.on("PATCH /api/clubs/c1/membership", () => json(CLUB));
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    const members = await screen.findByRole("list", { name: "Members" });
    await userEvent.click(within(members).getByRole("button", { name: "Make moderator (Bob)" }));
    await waitFor(() =>
      expect(fakeApi.callsTo("POST", "/api/clubs/c1/role")[0]?.body).toEqual({
        userId: "u2",
        role: "moderator",
      }),
    );
    await userEvent.click(within(members).getByRole("button", { name: "Remove Bob" }));
    await userEvent.click(within(members).getByRole("button", { name: "Yes, remove bob" }));
    await waitFor(() =>
      expect(fakeApi.callsTo("POST", "/api/clubs/c1/remove-member")[0]?.body).toEqual({ userId: "u2" }),
    );
    const mine = screen.getByRole("region", { name: "You in this club" });
    await userEvent.click(within(mine).getByLabelText("Show the club my progress on its book"));
    await userEvent.selectOptions(await within(mine).findByLabelText("The chat on my phone"), "telegram");
    await waitFor(() =>
      expect(fakeApi.callsTo("PATCH", "/api/clubs/c1/membership").map((c) => c.body)).toEqual([
        { shareProgress: false },
        { deliverChat: "telegram" },
      ]),
    );
  });

  it("says so when the server takes me out of the club's room", async () => {
    renderPage(ClubPage, "/clubs/:id", "/clubs/c1");
    await screen.findByText("Who has started?");
    act(() => socket.serverSends("room:left", { room: "club:c1", reason: "removed" }));
    expect(await screen.findByText("You were removed from this club.")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
