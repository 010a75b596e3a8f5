import type { Actor } from "../../platform/access/actor.js";
import type { GrantsRepo } from "../../platform/access/grants.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { invalidField } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import { normaliseEmail } from "../auth/auth.service.js";
import type { NotesRepo } from "../notes/notes.repo.js";
import type { NotesService } from "../notes/notes.service.js";
import {
  noteInviteCancelled,
  noteInvited,
  noteLinkCreated,
  noteLinkRevoked,
  noteShared,
  noteUnshared,
} from "./collab.events.js";
import { type CollabRepo, EMAIL_SUBJECT, type LinkRow } from "./collab.repo.js";

export type ShareRelation = "editor" | "viewer";

/** How a collab connection may use a note: write, read only, or not at all (undefined). */
export type Rights = "write" | "read";

/**
 * Who a note is shared with: accounts invited as editor or viewer (grants), and links with view or edit
 * rights and an expiry. Each change is an event the collab server hears to let go of connections that
 * lost their access at once.
 */
export class SharesService {
  constructor(
    private readonly d: {
      uow: UnitOfWork;
      clock: Clock;
      events: EventLog;
      access: AccessControl;
      grants: GrantsRepo;
      notes: NotesService;
      notesRepo: NotesRepo;
      repo: CollabRepo;
    },
  ) {}

  private async owned(actor: Actor, noteId: string) {
    return this.d.notes.get(actor, noteId, "note.share");
  }

  async list(actor: Actor, noteId: string) {
    await this.owned(actor, noteId);
    return {
      accounts: await this.d.repo.shares(noteId),
      invitations: await this.d.repo.invitations(noteId),
      links: await this.d.repo.links(noteId),
    };
  }

  /**
   * Shares the note with whoever has, or later gets, an account with this email, as editor or viewer
   * (replacing the role an earlier invitation to it gave). It is a grant to the email: it gives access at
   * once to the account that has it (or the first to sign up with it), and shows as an invitation until
   * that account opens the note (then it is theirs, by name). Made and answered alike whether or not an
   * account has the email, so sharing tells nothing about who has one.
   */
  async share(actor: Actor, noteId: string, email: string, relation: ShareRelation): Promise<void> {
    await this.d.uow.transaction(async () => {
      const note = await this.owned(actor, noteId);
      const to = normaliseEmail(email);
      if (to === (await this.d.repo.emailOf(note.owner_id)))
        throw invalidField("/body/email", "other", "must be someone else's");
      await this.d.grants.grant({
        resourceType: "note",
        resourceId: noteId,
        subjectType: EMAIL_SUBJECT,
        subjectId: to,
        relation,
        grantedBy: actor.userId,
      });
      await this.d.events.record(
        noteInvited,
        { noteId, relation },
        { aggregateId: noteId, ownerId: note.owner_id },
      );
    });
  }

  /** Cancels an invitation not yet opened (unknown, or opened already, is no error). */
  async cancelInvitation(actor: Actor, noteId: string, inviteId: string): Promise<void> {
    await this.d.uow.transaction(async () => {
      const note = await this.owned(actor, noteId);
      const email = await this.d.repo.invitationEmail(noteId, inviteId);
      if (email === undefined || !(await this.d.grants.revoke("note", noteId, EMAIL_SUBJECT, email))) return;
      await this.d.events.record(
        noteInviteCancelled,
        { noteId },
        { aggregateId: noteId, ownerId: note.owner_id },
      );
    });
  }

  /**
   * The actor opened a note shared with their email: the invitation becomes their account's share (with
   * the invitation's role, the latest the owner gave), listed by their name from now on.
   */
  async opened(actor: Actor, noteId: string): Promise<void> {
    const email = await this.d.repo.emailOf(actor.userId);
    if (email === undefined || !(await this.d.repo.invitationTo(noteId, email))) return;
    await this.d.uow.transaction(async () => {
      const note = await this.d.notesRepo.noteById(noteId);
      if (!note) return;
      // Taken in one statement: a newer invitation given while this one was read is never removed unseen.
      const invite = await this.d.grants.take("note", noteId, EMAIL_SUBJECT, email);
      if (!invite) return;
      const relation = invite.relation as ShareRelation;
      await this.d.grants.grant({
        resourceType: "note",
        resourceId: noteId,
        subjectType: "user",
        subjectId: actor.userId,
        relation,
        ...(invite.granted_by ? { grantedBy: invite.granted_by } : {}),
        expiresAt: invite.expires_at,
      });
      await this.d.events.record(
        noteShared,
        { noteId, userId: actor.userId, relation },
        { aggregateId: noteId, ownerId: note.owner_id },
      );
    });
  }

  /** Ends an account's share (nothing to end is no error). */
  async unshare(actor: Actor, noteId: string, userId: string): Promise<void> {
    await this.d.uow.transaction(async () => {
      const note = await this.owned(actor, noteId);
      if (!(await this.d.grants.revoke("note", noteId, "user", userId))) return;
      await this.d.events.record(
        noteUnshared,
        { noteId, userId },
        { aggregateId: noteId, ownerId: note.owner_id },
      );
    });
  }

  /** A link: its secret is in the answer only. */
  async createLink(
    actor: Actor,
    noteId: string,
    relation: ShareRelation,
    hours: number | null,
  ): Promise<{ link: LinkRow; token: string }> {
    return this.d.uow.transaction(async () => {
      const note = await this.owned(actor, noteId);
      const token = `rln_${randomSecret(24)}`;
      const now = this.d.clock.now();
      const link: LinkRow = {
        id: newId(now.getTime()),
        note_id: noteId,
        token_hash: sha256(token),
        relation,
        created_by: actor.userId,
        expires_at: hours === null ? null : new Date(now.getTime() + hours * 3600_000).toISOString(),
        revoked_at: null,
        created_at: now.toISOString(),
      };
      await this.d.repo.insertLink(link);
      await this.d.events.record(
        noteLinkCreated,
        { noteId, linkId: link.id, relation },
        { aggregateId: noteId, ownerId: note.owner_id },
      );
      return { link, token };
    });
  }

  /** Revokes a link (one revoked already, or unknown, is no error). */
  async revokeLink(actor: Actor, noteId: string, linkId: string): Promise<void> {
    await this.d.uow.transaction(async () => {
      const note = await this.owned(actor, noteId);
      if (!(await this.d.repo.revokeLink(noteId, linkId, this.d.clock.now().toISOString()))) return;
      await this.d.events.record(
        noteLinkRevoked,
        { noteId, linkId },
        { aggregateId: noteId, ownerId: note.owner_id },
      );
    });
  }

  /** The link a secret names, when it is for this note and still holds (not revoked, not expired). */
  async validLink(noteId: string, token: string): Promise<LinkRow | undefined> {
    const link = await this.d.repo.linkByTokenHash(sha256(token));
    if (!link || link.note_id !== noteId || link.revoked_at !== null) return undefined;
    if (link.expires_at !== null && Date.parse(link.expires_at) <= this.d.clock.now().getTime())
      return undefined;
    return link;
  }

  /**
   * What a connection of `actor` to the note may do (it has the note open: an invitation to their email
   * becomes their share first): write (owner, editor, an edit link) or read (viewer, a
   * view link, or a credential without the write scope); undefined when it may not open it at all.
   */
  async rights(actor: Actor, noteId: string, linkToken: string | undefined): Promise<Rights | undefined> {
    const note = await this.d.notesRepo.noteById(noteId);
    if (!note) return undefined;
    // Opening the note (or having it open) makes an invitation to the actor's email theirs.
    if (note.owner_id !== actor.userId) await this.opened(actor, noteId);
    const known = [{ id: noteId, ownerId: note.owner_id }];
    let rights: Rights | undefined;
    if ((await this.d.access.allowed(actor, "note.read", [noteId], known)).has(noteId)) rights = "read";
    const canWrite = actor.scopes.includes("write");
    if (canWrite && (await this.d.access.allowed(actor, "note.update", [noteId], known)).has(noteId))
      rights = "write";
    if (rights !== "write" && linkToken !== undefined && actor.scopes.includes("read")) {
      const link = await this.validLink(noteId, linkToken);
      if (link) rights = link.relation === "editor" && canWrite ? "write" : "read";
    }
    return rights;
  }
}
