import { CHANNEL_KINDS, type ChannelKind } from "../../platform/channels/channel.js";
import { type EnumValue, enumeration } from "../../platform/enum.js";
import type { LocalDate } from "../../platform/local-date.js";
import type { Instant } from "../users/users.tables.js";

/** A member's standing in a club: the owner (one), moderators, members. */
export const CLUB_ROLES = enumeration(["owner", "moderator", "member"]);
export type ClubRole = EnumValue<typeof CLUB_ROLES>;

/** Where a member also gets the club's chat: every linked channel, one of them (nowhere is null). */
export const CHAT_DELIVERIES = enumeration(["all", ...CHANNEL_KINDS.values] as ["all", ...ChannelKind[]]);
export type ChatDelivery = EnumValue<typeof CHAT_DELIVERIES>;

export interface ClubsTable {
  id: string;
  name: string;
  description: string | null;
  book_title: string | null;
  book_total_pages: number | null;
  starts_on: LocalDate | null;
  pages_per_week: number | null;
  created_by: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ClubMembersTable {
  club_id: string;
  user_id: string;
  role: ClubRole;
  share_progress: number;
  book_id: string | null;
  deliver_chat: ChatDelivery | null;
  last_read_id: string | null;
  delivered_at: Instant | null;
  joined_at: Instant;
}

export interface ClubInvitesTable {
  id: string;
  club_id: string;
  created_by: string | null;
  token_hash: string | null;
  /** An account invitation's address (normalised); null for a link. */
  email: string | null;
  /** Who accepted an account invitation (older rows: the invited account). */
  user_id: string | null;
  expires_at: Instant | null;
  revoked_at: Instant | null;
  uses: number;
  created_at: Instant;
}

export interface ClubMessagesTable {
  id: string;
  club_id: string;
  author_id: string | null;
  body: string;
  reply_to_id: string | null;
  mentions: string;
  source: string;
  created_at: Instant;
  edited_at: Instant | null;
  deleted_at: Instant | null;
  deleted_by: string | null;
}

export interface ClubReactionsTable {
  message_id: string;
  user_id: string;
  emoji: string;
  created_at: Instant;
}

export interface ClubsTables {
  clubs: ClubsTable;
  club_members: ClubMembersTable;
  club_invites: ClubInvitesTable;
  club_messages: ClubMessagesTable;
  club_reactions: ClubReactionsTable;
}
