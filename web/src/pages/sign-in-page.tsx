import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { api, unwrap } from "../api/client";
import { Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { meKey, safeNext } from "../lib/session";
import { AuthLayout } from "./auth-layout";

export function SignInPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const params = new URLSearchParams(search);
  const next = safeNext(search);
  const form = useSubmit({
    validate: () => ({
      email: rules.email(email),
      password: password === "" ? "Password is required" : undefined,
    }),
    submit: () => unwrap(api.POST("/api/auth/login", { body: { email: email.trim(), password } })),
    onSuccess: (result) => {
      queryClient.setQueryData(meKey, result.user);
      navigate(params.get("welcome") ? "/onboarding" : next, { replace: true });
    },
  });
  return (
    <AuthLayout title="Sign in">
      {params.get("next") && (
        <p className="alert alert-info" role="status">
          Your session ended. Sign in to go back where you were.
        </p>
      )}
      {params.get("signedOut") && (
        <p className="alert alert-info" role="status">
          You are signed out.
        </p>
      )}
      {params.get("welcome") && (
        <p className="alert alert-info" role="status">
          If this address could be registered, its account now exists. Sign in to continue.
        </p>
      )}
      <ProblemAlert problem={form.problem} />
      <form onSubmit={form.onSubmit} noValidate>
        <Field label="Email" error={form.errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={form.errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <SubmitButton pending={form.pending}>Sign in</SubmitButton>
      </form>
      <p>
        New here? <Link href="/sign-up">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
