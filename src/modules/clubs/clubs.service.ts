import { type Actor, requireScope } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { AppError, conflict, invalidField, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { daysBetween, localDateOf } from "../../platform/local-date.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import { normaliseEmail } from "../auth/auth.service.js";
import type { ClubRow, ClubsRepo, InviteRow, MemberView } from "./clubs.repo.js";
import type { ChatDelivery, ClubRole } from "./clubs.tables.js";

/** Most members of one club, clubs one user lists, invitations listed. */
export const MAX_MEMBERS = 500;
export const MAX_CLUBS = 200;
export const MAX_INVITES = 200;
/** Longest a link invitation lasts. */
export const MAX_INVITE_HOURS = 30 * 24;

export interface ClubReading {
  title: string;
  totalPages: number | null;
  startsOn: string;
  pagesPerWeek: number;
}

export interface ClubInput {
  name: string;
  description?: string | null;
  reading?: ClubReading | null;
}

/** What a club's room hears about its members (joined, left, removed, role changed). */
export interface ClubAnnouncer {
  broadcast(room: string, name: string, data: unknown): Promise<void>;
  evict(userId: string, room: string, reason: string): Promise<void>;
}

export const clubRoom = (clubId: string) => `club:${clubId}`;

/** Where the club's schedule says a member should be by the end of the week `today` falls in. */
export function scheduleOf(club: ClubRow, today: string) {
  if (!club.book_title || !club.starts_on || !club.pages_per_week) return null;
  const day = daysBetween(club.starts_on, today);
  const week = day < 0 ? 0 : Math.floor(day / 7) + 1;
  const target = week * club.pages_per_week;
  return {
    week,
    targetPage: club.book_total_pages ? Math.min(club.book_total_pages, target) : target,
  };
}

/**
 * Book clubs: creating them, their book and schedule, members and roles, invitations by link (a secret
 * shown once, expiring, revocable) and by account. Every check goes through the club policy (membership
 * is the relation); changes are announced to the club's room after they commit.
 */
export class ClubsService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      repo: ClubsRepo;
      access: AccessControl;
      clock: Clock;
      rooms: ClubAnnouncer;
    },
  ) {}

  private get repo(): ClubsRepo {
    return this.d.repo;
  }

  private announce(clubId: string, data: Record<string, unknown>): void {
    this.d.uow.afterCommit(() =>
      this.d.rooms.broadcast(clubRoom(clubId), "club:member", { clubId, ...data }),
    );
  }

  async create(actor: Actor, input: ClubInput): Promise<ClubRow> {
    requireScope(actor, "write");
    const now = this.d.clock.now().toISOString();
    const id = newId();
    return this.d.uow.transaction(async () => {
      await this.repo.insertClub({
        id,
        name: input.name.trim(),
        description: input.description ?? null,
        ...readingColumns(input.reading ?? null),
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      });
      await this.repo.insertMember({
        club_id: id,
        user_id: actor.userId,
        role: "owner",
        share_progress: 0,
        joined_at: now,
      });
      return (await this.repo.byId(id))!;
    });
  }

  list(actor: Actor) {
    requireScope(actor, "read");
    return this.repo.clubsOf(actor.userId, MAX_CLUBS);
  }

  /** The club with its members (progress of those who share it) and where its schedule is. */
  async get(actor: Actor, id: string): Promise<{ club: ClubRow; role: ClubRole; members: MemberView[] }> {
    await this.d.access.require(actor, "club.read", id);
    const [club, members] = await Promise.all([this.repo.byId(id), this.repo.members(id)]);
    if (!club) throw notFound("Club");
    const role = members.find((m) => m.user_id === actor.userId)?.role ?? "member";
    return { club, role, members };
  }

  today(actor: Actor): string {
    return localDateOf(this.d.clock.now(), actor.timezone);
  }

  async update(actor: Actor, id: string, patch: Partial<ClubInput>): Promise<void> {
    await this.d.access.require(actor, "club.update", id);
    await this.d.uow.transaction(async () => {
      await this.repo.updateClub(id, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.reading !== undefined ? readingColumns(patch.reading) : {}),
        updated_at: this.d.clock.now().toISOString(),
      });
      this.d.uow.afterCommit(() => this.d.rooms.broadcast(clubRoom(id), "club:updated", { clubId: id }));
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.d.access.require(actor, "club.manage", id);
    const members = await this.repo.memberIds(id);
    await this.d.uow.transaction(async () => {
      await this.repo.deleteClub(id);
      for (const m of members)
        this.d.uow.afterCommit(() => this.d.rooms.evict(m, clubRoom(id), "club-deleted"));
    });
  }

  /** The actor's own settings in the club: sharing progress (on which of their books), chat delivery. */
  async updateMembership(
    actor: Actor,
    id: string,
    patch: { shareProgress?: boolean; bookId?: string | null; deliverChat?: ChatDelivery | null },
  ): Promise<void> {
    await this.d.access.require(actor, "club.participate", id);
    if (patch.bookId) await this.d.access.require(actor, "book.read", patch.bookId);
    await this.repo.updateMember(id, actor.userId, {
      ...(patch.shareProgress !== undefined ? { share_progress: patch.shareProgress ? 1 : 0 } : {}),
      ...(patch.bookId !== undefined ? { book_id: patch.bookId } : {}),
      ...(patch.deliverChat !== undefined ? { deliver_chat: patch.deliverChat } : {}),
    });
  }

  async leave(actor: Actor, id: string): Promise<void> {
    await this.d.access.require(actor, "club.participate", id);
    const me = await this.repo.member(id, actor.userId);
    if (me?.role === "owner")
      throw conflict("The owner cannot leave: hand the club to another member first, or delete it");
    await this.d.uow.transaction(async () => {
      await this.repo.deleteMember(id, actor.userId);
      this.announce(id, { userId: actor.userId, change: "left" });
      this.d.uow.afterCommit(() => this.d.rooms.evict(actor.userId, clubRoom(id), "left"));
    });
  }

  /** Removes a member: moderators remove members, the owner anyone but themselves. */
  async removeMember(actor: Actor, id: string, userId: string): Promise<void> {
    await this.d.access.require(actor, "club.moderate", id);
    const [me, target] = await Promise.all([
      this.repo.member(id, actor.userId),
      this.repo.member(id, userId),
    ]);
    if (!target) throw invalidField("userId", "member", "is not a member of this club");
    if (target.role === "owner" || (target.role === "moderator" && me?.role !== "owner"))
      throw new AppError(
        403,
        "forbidden",
        "Forbidden",
        `A ${me?.role} cannot remove the club's ${target.role}`,
      );
    await this.d.uow.transaction(async () => {
      await this.repo.deleteMember(id, userId);
      this.announce(id, { userId, change: "removed" });
      this.d.uow.afterCommit(() => this.d.rooms.evict(userId, clubRoom(id), "removed"));
    });
  }

  /** The owner makes a member moderator or member again, or hands the club over (becoming a moderator). */
  async setRole(actor: Actor, id: string, userId: string, role: ClubRole): Promise<void> {
    await this.d.access.require(actor, "club.manage", id);
    const target = await this.repo.member(id, userId);
    if (!target) throw invalidField("userId", "member", "is not a member of this club");
    if (userId === actor.userId)
      throw invalidField("userId", "other", "must be another member (hand the club over)");
    await this.d.uow.transaction(async () => {
      await this.repo.updateMember(id, userId, { role });
      if (role === "owner") await this.repo.updateMember(id, actor.userId, { role: "moderator" });
      this.announce(id, { userId, change: "role", role });
    });
  }

  /** A link invitation: its secret is in the answer only. */
  async inviteByLink(actor: Actor, id: string, hours: number): Promise<{ invite: InviteRow; token: string }> {
    await this.d.access.require(actor, "club.invite", id);
    const token = `rlc_${randomSecret(24)}`;
    const now = this.d.clock.now();
    const invite: InviteRow = {
      id: newId(now.getTime()),
      club_id: id,
      created_by: actor.userId,
      token_hash: sha256(token),
      email: null,
      user_id: null,
      expires_at: new Date(now.getTime() + hours * 3600_000).toISOString(),
      revoked_at: null,
      uses: 0,
      created_at: now.toISOString(),
    };
    await this.repo.insertInvite(invite);
    return { invite, token };
  }

  /**
   * An account invitation, addressed to an email: it waits in the list of whoever has (or later gets) that
   * email until accepted, declined or revoked. It is made and answered alike whether or not an account has
   * the email, and whether or not that account is a member already, so inviting tells nothing about who
   * has an account here (no lookup is made: no timing difference either).
   */
  async inviteAccount(actor: Actor, id: string, email: string, hours: number | null): Promise<InviteRow> {
    await this.d.access.require(actor, "club.invite", id);
    const now = this.d.clock.now();
    const invite: InviteRow = {
      id: newId(now.getTime()),
      club_id: id,
      created_by: actor.userId,
      token_hash: null,
      email: normaliseEmail(email),
      user_id: null,
      expires_at: hours ? new Date(now.getTime() + hours * 3600_000).toISOString() : null,
      revoked_at: null,
      uses: 0,
      created_at: now.toISOString(),
    };
    await this.repo.insertInvite(invite);
    return invite;
  }

  /** Whether an account invitation is addressed to the actor (by their email, or by account in older rows). */
  private async addressedTo(actor: Actor, invite: InviteRow | undefined): Promise<boolean> {
    if (!invite || invite.token_hash) return false;
    if (invite.user_id === actor.userId) return true;
    return invite.email !== null && invite.email === (await this.repo.emailOf(actor.userId));
  }

  async invites(actor: Actor, id: string): Promise<InviteRow[]> {
    await this.d.access.require(actor, "club.list-invites", id);
    return this.repo.invitesOfClub(id, MAX_INVITES);
  }

  invitations(actor: Actor) {
    requireScope(actor, "read");
    return this.repo.invitesFor(actor.userId, this.d.clock.now().toISOString(), MAX_INVITES);
  }

  /** Revokes an invitation (the club's moderators) or declines it (the invited account). */
  async revokeInvite(actor: Actor, inviteId: string): Promise<void> {
    requireScope(actor, "write");
    const invite = await this.repo.inviteById(inviteId);
    const mine = await this.addressedTo(actor, invite);
    const allowed =
      invite &&
      (mine || (await this.d.access.allowed(actor, "club.invite", [invite.club_id])).has(invite.club_id));
    if (!invite || !allowed) throw notFound("Invite");
    await this.repo.updateInvite(inviteId, { revoked_at: this.d.clock.now().toISOString() });
  }

  /** Joins by a link's secret. Expired, revoked and unknown links are refused alike (404). */
  async acceptLink(actor: Actor, token: string): Promise<string> {
    const invite = await this.repo.inviteByTokenHash(sha256(token));
    return this.accept(actor, invite);
  }

  /** Accepts an account invitation addressed to the actor. */
  async acceptInvite(actor: Actor, inviteId: string): Promise<string> {
    const invite = await this.repo.inviteById(inviteId);
    return this.accept(actor, (await this.addressedTo(actor, invite)) ? invite : undefined);
  }

  private async accept(actor: Actor, invite: InviteRow | undefined): Promise<string> {
    requireScope(actor, "write");
    const now = this.d.clock.now().toISOString();
    if (!invite || invite.revoked_at || (invite.expires_at && invite.expires_at <= now))
      throw notFound("Invite");
    const clubId = invite.club_id;
    await this.d.uow.transaction(async () => {
      if ((await this.repo.countMembers(clubId)) >= MAX_MEMBERS)
        throw conflict(`A club has at most ${MAX_MEMBERS} members`);
      const joined = await this.repo.insertMember({
        club_id: clubId,
        user_id: actor.userId,
        role: "member",
        share_progress: 0,
        joined_at: now,
      });
      // An account invitation is used up (and says who accepted it); a link serves until it expires or is revoked.
      await this.repo.updateInvite(invite.id, {
        uses: invite.uses + (joined ? 1 : 0),
        ...(invite.token_hash ? {} : { revoked_at: now, user_id: actor.userId }),
      });
      if (joined) this.announce(clubId, { userId: actor.userId, change: "joined" });
    });
    return clubId;
  }
}

function readingColumns(r: ClubReading | null) {
  return {
    book_title: r?.title ?? null,
    book_total_pages: r?.totalPages ?? null,
    starts_on: r?.startsOn ?? null,
    pages_per_week: r?.pagesPerWeek ?? null,
  };
}
