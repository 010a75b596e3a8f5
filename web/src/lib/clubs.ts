/** Book clubs: types from openapi.json, query keys, and the invite link the app builds from a secret. */
import type { paths } from "../api/openapi.gen";

type Json<T> = T extends { content: { "application/json": infer J } } ? J : never;

export type ClubList = Json<paths["/api/clubs"]["get"]["responses"]["200"]>;
export type Club = ClubList["items"][number];
export type ClubDetail = Json<paths["/api/clubs/{id}"]["get"]["responses"]["200"]>;
export type ChatMessage = Json<paths["/api/clubs/{id}/messages"]["get"]["responses"]["200"]>["items"][number];
export type Invite = Json<paths["/api/club-invites"]["get"]["responses"]["200"]>["items"][number];

export const clubKeys = {
  clubs: ["clubs"] as const,
  club: (id: string) => ["club", id] as const,
  invites: ["club-invites"] as const,
};

/** The page a link invitation opens (its secret in the query, which the server never logs in full). */
export const inviteUrl = (token: string) =>
  `${window.location.origin}/clubs/join?token=${encodeURIComponent(token)}`;

export const roleLabel = (role: Club["role"]) =>
  ({ owner: "Owner", moderator: "Moderator", member: "Member" })[role as string] ?? String(role);

/** Moderators and the owner manage the club: settings, invitations, anyone's messages. */
export const isModerator = (role: Club["role"]) => role === "owner" || role === "moderator";
