import { expect } from "vitest";
import type { Client } from "./app.js";

/** Creates a book for `c` and returns its JSON (fails the test on anything but 201). */
export async function addBook(c: Client, body: Record<string, unknown> = {}) {
  const r = await c.request({
    method: "POST",
    url: "/api/books",
    payload: { title: "Dune", authors: ["Frank Herbert"], totalPages: 412, ...body },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

/** Moves a book to a shelf; returns the response. */
export function move(c: Client, bookId: string, status: string, date?: string) {
  return c.request({
    method: "POST",
    url: `/api/books/${bookId}/status`,
    payload: { status, ...(date ? { date } : {}) },
  });
}

/**
 * A book already on the reading shelf, started on `startedOn` (default 2000-01-01, so tests may log any past
 * day: progress dated before its read-through started is refused).
 */
export async function readingBook(c: Client, body: Record<string, unknown> = {}, startedOn = "2000-01-01") {
  const book = await addBook(c, body);
  const r = await move(c, book.id, "reading", startedOn);
  expect(r.statusCode, r.body).toBe(200);
  return (await c.request({ method: "GET", url: `/api/books/${book.id}` })).json();
}

/** Records progress; returns the response. */
export function progress(c: Client, bookId: string, body: Record<string, unknown>) {
  return c.request({ method: "POST", url: `/api/books/${bookId}/progress`, payload: body });
}
