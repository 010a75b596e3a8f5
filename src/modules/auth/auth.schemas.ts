import { Type } from "@sinclair/typebox";
import { Email, Name, Password, TimeZone, User } from "../users/users.schemas.js";

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Name),
    timezone: Type.Optional(TimeZone),
    inviteCode: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RegisterResult = Type.Object({
  status: Type.Literal("accepted"),
  message: Type.String(),
});

export const LoginBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false });

export const LoginResult = Type.Object({
  user: User,
  csrfToken: Type.String({ description: `Send as the x-csrf-token header on cookie-authenticated writes` }),
  expiresAt: Type.String({ format: "date-time" }),
});

export const RegistrationInfo = Type.Object({
  mode: Type.Union(
    [Type.Literal("bootstrap"), Type.Literal("open"), Type.Literal("invite"), Type.Literal("closed")],
    {
      description:
        "bootstrap: no account yet, the next one becomes the administrator; open: anyone may register; " +
        "invite: registering needs an invitation code; closed: only an administrator creates accounts",
    },
  ),
});
