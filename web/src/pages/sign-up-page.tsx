import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation } from "wouter";
import { api, unwrap } from "../api/client";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { QueryState } from "../components/states";
import { browserTimeZone } from "../lib/format";
import { meKey } from "../lib/session";
import { AuthLayout } from "./auth-layout";

const MODE_TEXT = {
  bootstrap: "This server has no account yet: yours will be the first, and it becomes the administrator.",
  open: "Anyone may create an account on this server.",
  invite: "This server is invite-only: you need an invitation code from its administrator.",
  closed:
    "Registration is closed on this server: its administrator creates accounts. Ask them for one, then sign in.",
} as const;

export function SignUpPage() {
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const mode = useQuery({
    queryKey: ["registration"],
    queryFn: () => unwrap(api.GET("/api/auth/registration")),
  });
  const [values, setValues] = useState({ name: "", email: "", password: "", confirm: "", inviteCode: "" });
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues({ ...values, [k]: e.target.value });
  const needsInvite = mode.data?.mode === "invite";
  const form = useSubmit({
    validate: () => ({
      email: rules.email(values.email),
      password: rules.password(values.password),
      confirm: values.confirm !== values.password ? "The two passwords differ" : undefined,
      inviteCode: needsInvite ? rules.required(values.inviteCode, "The invitation code") : undefined,
    }),
    submit: async () => {
      await unwrap(
        api.POST("/api/auth/register", {
          body: {
            email: values.email.trim(),
            password: values.password,
            timezone: browserTimeZone(),
            ...(values.name.trim() ? { name: values.name.trim() } : {}),
            ...(values.inviteCode.trim() ? { inviteCode: values.inviteCode.trim() } : {}),
          },
        }),
      );
      // The answer is the same for a new and a taken address (no account discovery), so sign in to see.
      const login = await api.POST("/api/auth/login", {
        body: { email: values.email.trim(), password: values.password },
      });
      return login.data?.user ?? null;
    },
    onSuccess: (user) => {
      if (user) {
        queryClient.setQueryData(meKey, user);
        navigate("/onboarding", { replace: true });
      } else navigate("/sign-in?welcome=1");
    },
  });
  return (
    <AuthLayout title="Create an account">
      <QueryState query={mode}>
        {(info) => (
          <>
            <p className={info.mode === "closed" ? "alert alert-warning" : "alert alert-info"}>
              {MODE_TEXT[info.mode]}
            </p>
            {info.mode !== "closed" && (
              <>
                <ProblemAlert problem={form.problem} />
                <form onSubmit={form.onSubmit} noValidate>
                  <Field label="Name (optional)" error={form.errors.name}>
                    {(p) => <input {...p} autoComplete="name" value={values.name} onChange={set("name")} />}
                  </Field>
                  <Field label="Email" error={form.errors.email}>
                    {(p) => (
                      <input
                        {...p}
                        type="email"
                        autoComplete="email"
                        value={values.email}
                        onChange={set("email")}
                      />
                    )}
                  </Field>
                  <Field
                    label="Password"
                    hint="8 to 256 characters; a long phrase is best."
                    error={form.errors.password}
                  >
                    {(p) => (
                      <input
                        {...p}
                        type="password"
                        autoComplete="new-password"
                        value={values.password}
                        onChange={set("password")}
                      />
                    )}
                  </Field>
                  <Field label="Password again" error={form.errors.confirm}>
                    {(p) => (
                      <input
                        {...p}
                        type="password"
                        autoComplete="new-password"
                        value={values.confirm}
                        onChange={set("confirm")}
                      />
                    )}
                  </Field>
                  {needsInvite && (
                    <Field label="Invitation code" error={form.errors.inviteCode}>
                      {(p) => (
                        <input
                          {...p}
                          autoComplete="off"
                          value={values.inviteCode}
                          onChange={set("inviteCode")}
                        />
                      )}
                    </Field>
                  )}
                  <SubmitButton pending={form.pending}>Create account</SubmitButton>
                </form>
              </>
            )}
          </>
        )}
      </QueryState>
      <p>
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
