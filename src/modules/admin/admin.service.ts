import type { Clock } from "../../platform/clock.js";
import type { Db } from "../../platform/db/database.js";
import { isUniqueViolation } from "../../platform/db/errors.js";
import { badRequest, conflict, notFound } from "../../platform/errors.js";
import { newId } from "../../platform/ids.js";
import { randomSecret, sha256 } from "../../platform/secrets.js";
import { normaliseEmail } from "../auth/auth.service.js";
import { checkPasswordPolicy, hashPassword } from "../auth/password.js";
import type { Principal } from "../auth/principal.js";
import type { CredentialChanges } from "../auth/principal-cache.js";
import type { RegistrationMode, RegistrationRepo } from "../auth/registration.repo.js";
import { checkTimeZone } from "../users/timezone.js";
import type { UserRow, UsersRepo } from "../users/users.repo.js";

export interface AdminDeps {
  db: Db;
  users: UsersRepo;
  registration: RegistrationRepo;
  clock: Clock;
  credentials: CredentialChanges;
}

/** What administrators do: manage users, registration and invites. */
export class AdminService {
  constructor(private readonly d: AdminDeps) {}

  /** Users by id (limit + 1 rows, for paging). */
  listUsers(limit: number, cursor?: string): Promise<UserRow[]> {
    return this.d.users.list(limit + 1, cursor);
  }

  /** Creates an account directly, whatever the registration mode. */
  async createUser(input: {
    email: string;
    password: string;
    name?: string;
    role?: "admin" | "member";
    timezone?: string;
  }) {
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
      await this.d.users.insert(this.d.db, row);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("A user with this email already exists");
      throw err;
    }
    return row;
  }

  /**
   * Changes a user's role, name or disabled state. Disabling ends all their sessions and revokes their
   * tokens in the same transaction. The last active administrator can be neither disabled nor demoted.
   */
  async updateUser(
    by: Principal,
    id: string,
    patch: { disabled?: boolean; role?: "admin" | "member"; name?: string },
  ) {
    const user = await this.d.users.byId(id);
    if (!user) throw notFound("User");
    const losesAdmin =
      user.role === "admin" && !user.disabled_at && (patch.disabled === true || patch.role === "member");
    if (losesAdmin && (await this.d.users.countActiveAdmins()) <= 1)
      throw badRequest("This is the last active administrator; promote another user first");
    if (patch.disabled === true && id === by.user.id) throw badRequest("You cannot disable your own account");
    const now = this.d.clock.now().toISOString();
    await this.d.db.transaction().execute(async (tx) => {
      const set: Partial<UserRow> = {};
      if (patch.name !== undefined) set.name = patch.name.trim();
      if (patch.role !== undefined) set.role = patch.role;
      if (patch.disabled !== undefined) set.disabled_at = patch.disabled ? (user.disabled_at ?? now) : null;
      if (Object.keys(set).length > 0) await tx.updateTable("users").set(set).where("id", "=", id).execute();
      if (patch.disabled === true) {
        await tx.deleteFrom("sessions").where("user_id", "=", id).execute();
        await tx
          .updateTable("api_tokens")
          .set({ revoked_at: now })
          .where("user_id", "=", id)
          .where("revoked_at", "is", null)
          .execute();
      }
    });
    await this.d.credentials.userChanged(id);
    return (await this.d.users.byId(id))!;
  }

  async registrationMode(): Promise<RegistrationMode> {
    const mode = await this.d.registration.mode();
    return mode === "bootstrap" ? "closed" : mode;
  }

  async setRegistrationMode(mode: RegistrationMode): Promise<RegistrationMode> {
    await this.d.registration.setMode(mode);
    return this.registrationMode();
  }

  /** Creates a single-use invite code; the code is returned once and stored hashed. */
  async createInvite(by: Principal, expiresInDays: number) {
    const now = this.d.clock.now();
    const code = randomSecret(12);
    const row = {
      id: newId(now.getTime()),
      code_hash: sha256(code),
      created_by: by.user.id,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + expiresInDays * 86_400_000).toISOString(),
      used_at: null,
      used_by: null,
    };
    await this.d.registration.insertInvite(row);
    return { row, code };
  }

  listInvites(limit: number, cursor?: string) {
    return this.d.registration.listInvites(limit + 1, cursor);
  }

  async deleteInvite(id: string): Promise<void> {
    if (!(await this.d.registration.deleteInvite(id))) throw notFound("Invite");
  }
}
