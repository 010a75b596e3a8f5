import type { Actor, UserRole } from "../../platform/access/actor.js";
import type { AccessControl } from "../../platform/access/policy.js";
import type { Clock } from "../../platform/clock.js";
import { isUniqueViolation } from "../../platform/db/errors.js";
import type { UnitOfWork } from "../../platform/db/unit-of-work.js";
import { badRequest, conflict, notFound } from "../../platform/errors.js";
import type { EventLog } from "../../platform/events/event-log.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import { credentialsChanged, normaliseEmail } from "../auth/auth.service.js";
import { checkPasswordPolicy, hashPassword } from "../auth/password.js";
import type { RegistrationMode, RegistrationRepo } from "../auth/registration.repo.js";
import type { SessionsRepo } from "../auth/sessions.repo.js";
import type { TokensRepo } from "../auth/tokens.repo.js";
import { checkTimeZone } from "../users/timezone.js";
import type { UserProfile, UserRow, UsersRepo } from "../users/users.repo.js";

export interface AdminDeps {
  uow: UnitOfWork;
  events: EventLog;
  access: AccessControl;
  users: UsersRepo;
  sessions: SessionsRepo;
  tokens: TokensRepo;
  registration: RegistrationRepo;
  clock: Clock;
}

/** What administrators do: manage users, registration and invites. */
export class AdminService {
  constructor(private readonly d: AdminDeps) {}

  /** Users by id (limit + 1 rows, for paging). */
  listUsers(by: Actor, limit: number, cursor?: string): Promise<UserProfile[]> {
    this.d.access.requireAdmin(by);
    return this.d.users.list(limit + 1, cursor);
  }

  /** Creates an account directly, whatever the registration mode. */
  async createUser(
    by: Actor,
    input: {
      email: string;
      password: string;
      name?: string;
      role?: UserRole;
      timezone?: string;
    },
  ): Promise<UserProfile> {
    this.d.access.requireAdmin(by);
    checkPasswordPolicy(input.password);
    const timezone = input.timezone ?? "UTC";
    checkTimeZone(timezone);
    const email = normaliseEmail(input.email);
    const row: UserRow = {
      id: newId(),
      email,
      name: input.name?.trim() || email.split("@")[0]!,
      password_hash: await hashPassword(input.password),
      role: input.role ?? "member",
      timezone,
      created_at: this.d.clock.now().toISOString(),
      disabled_at: null,
    };
    try {
      await this.d.users.insert(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("A user with this email already exists");
      throw err;
    }
    const { password_hash: _secret, ...profile } = row;
    return profile;
  }

  /**
   * Changes a user's role, name or disabled state. Disabling ends all their sessions and revokes their
   * tokens in the same transaction. The last active administrator can be neither disabled nor demoted.
   */
  async updateUser(by: Actor, id: string, patch: { disabled?: boolean; role?: UserRole; name?: string }) {
    await this.d.access.require(by, "user.administer", id);
    const user = await this.d.users.byId(id);
    if (!user) throw notFound("User");
    const losesAdmin =
      user.role === "admin" && !user.disabled_at && (patch.disabled === true || patch.role === "member");
    if (losesAdmin && (await this.d.users.countActiveAdmins()) <= 1)
      throw badRequest("This is the last active administrator; promote another user first");
    if (patch.disabled === true && id === by.userId) throw badRequest("You cannot disable your own account");
    const now = this.d.clock.now().toISOString();
    return this.d.uow.transaction(async () => {
      const set: Partial<UserRow> = {};
      if (patch.name !== undefined) set.name = patch.name.trim();
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.disabled !== undefined) set.disabled_at = patch.disabled ? (user.disabled_at ?? now) : null;
      const updated = await this.d.users.update(id, set);
      if (patch.disabled === true) {
        await this.d.sessions.deleteForUser(id);
        await this.d.tokens.revokeAllForUser(id, now);
      }
      await credentialsChanged(this.d.events, id, patch.disabled === true ? "disabled" : "role");
      return updated!;
    });
  }

  async registrationMode(by: Actor): Promise<RegistrationMode> {
    this.d.access.requireAdmin(by);
    const mode = await this.d.registration.mode();
    return mode === "bootstrap" ? "closed" : mode;
  }

  async setRegistrationMode(by: Actor, mode: RegistrationMode): Promise<RegistrationMode> {
    this.d.access.requireAdmin(by);
    await this.d.registration.setMode(mode);
    return this.registrationMode(by);
  }

  /** Creates a single-use invite code; the code is returned once and stored hashed. */
  async createInvite(by: Actor, expiresInDays: number) {
    this.d.access.requireAdmin(by);
    const now = this.d.clock.now();
    const code = randomSecret(12);
    const row = {
      id: newId(now.getTime()),
      code_hash: sha256(code),
      created_by: by.userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + expiresInDays * 86_400_000).toISOString(),
      used_at: null,
      used_by: null,
    };
    await this.d.registration.insertInvite(row);
    return { row, code };
  }

  listInvites(by: Actor, limit: number, cursor?: string) {
    this.d.access.requireAdmin(by);
    return this.d.registration.listInvites(limit + 1, cursor);
  }

  async deleteInvite(by: Actor, id: string): Promise<void> {
    await this.d.access.require(by, "invite.delete", id);
    await this.d.registration.deleteInvite(id);
  }
}
