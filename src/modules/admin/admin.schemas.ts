import { Type } from "@sinclair/typebox";
import { USER_ROLES } from "../../platform/access/actor.js";
import { Instant } from "../../platform/http/responses.js";
import { type InviteRow, REGISTRATION_MODES } from "../auth/registration.repo.js";
import { Email, Name, Password, TimeZone } from "../users/users.schemas.js";

export const Role = USER_ROLES.schema();

export const CreateUserBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Name),
    role: Type.Optional(Role),
    timezone: Type.Optional(TimeZone),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  { disabled: Type.Optional(Type.Boolean()), role: Type.Optional(Role), name: Type.Optional(Name) },
  { additionalProperties: false, minProperties: 1 },
);

export const RegistrationModeSchema = REGISTRATION_MODES.schema();

export const Settings = Type.Object(
  { registration: RegistrationModeSchema },
  { additionalProperties: false },
);

export const CreateInviteBody = Type.Object(
  { expiresInDays: Type.Integer({ minimum: 1, maximum: 365, default: 7 }) },
  { additionalProperties: false },
);

export const Invite = Type.Object({
  id: Type.String(),
  createdAt: Instant,
  expiresAt: Instant,
  usedAt: Type.Union([Instant, Type.Null()]),
  usedBy: Type.Union([Type.String(), Type.Null()]),
});

export const CreatedInvite = Type.Composite([
  Invite,
  Type.Object({ code: Type.String({ description: "The invite code, shown only in this response" }) }),
]);

export function toInvite(row: InviteRow) {
  return {
    id: row.id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    usedBy: row.used_by,
  };
}
