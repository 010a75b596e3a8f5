/** Saved links (articles): types from openapi.json and the words for their pipeline status. */
import type { paths } from "../api/openapi.gen";

type Json<T> = T extends { content: { "application/json": infer J } } ? J : never;

export type LinkPage = Json<paths["/api/links"]["get"]["responses"]["200"]>;
export type SavedLink = LinkPage["items"][number];
export type LinkWithContent = Json<paths["/api/links/{id}"]["get"]["responses"]["200"]>;
export type LinkPatch = NonNullable<
  paths["/api/links/{id}"]["patch"]["requestBody"]
>["content"]["application/json"];

export type LinkFilter = "unread" | "all" | "favourite" | "archived";

export const linkKeys = {
  list: (filter: LinkFilter, tag: string, q: string) => ["links", filter, tag, q] as const,
  link: (id: string) => ["link", id] as const,
};

const STATUS: Record<SavedLink["status"], string> = {
  pending: "Waiting to be fetched",
  fetching: "Fetching the page",
  extracting: "Extracting the article",
  ready: "Ready to read",
  stored: "Ready to read",
  failed: "Could not be saved",
};

/** The link's status in words, with the last error when it failed. */
export function statusText(link: Pick<SavedLink, "status" | "error">): string {
  const s = STATUS[link.status] ?? link.status;
  return link.error ? `${s}: ${link.error}` : s;
}

export const isReadable = (link: Pick<SavedLink, "status">) =>
  link.status === "ready" || link.status === "stored";

/** Minutes left at the link's progress (the server's figure, else from its reading time). */
export function minutesLeft(
  link: Pick<SavedLink, "minutesLeft" | "readingMinutes" | "progress">,
): number | null {
  if (link.minutesLeft !== null) return link.minutesLeft;
  if (link.readingMinutes === null) return null;
  return Math.max(0, Math.ceil(link.readingMinutes * (1 - link.progress)));
}
