import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { ConfirmButton } from "../components/book-form";
import { ErrorAlert, Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { Empty, QueryState } from "../components/states";
import { formatInstant } from "../lib/format";
import { useMe } from "../lib/session";

type Mode = "open" | "invite" | "closed";

function Users() {
  const me = useMe();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ["admin", "users"],
    queryFn: () => unwrap(api.GET("/api/admin/users", { params: { query: { limit: 100 } } })),
  });
  const [v, setV] = useState({ email: "", password: "", name: "", role: "member" as "member" | "admin" });
  const form = useSubmit({
    validate: () => ({ email: rules.email(v.email), password: rules.password(v.password) }),
    submit: () =>
      unwrap(
        api.POST("/api/admin/users", {
          body: {
            email: v.email.trim(),
            password: v.password,
            role: v.role,
            ...(v.name.trim() ? { name: v.name.trim() } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setV({ email: "", password: "", name: "", role: "member" });
      void queryClient.invalidateQueries({ queryKey: ["admin", "users"] });
    },
  });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { disabled?: boolean; role?: "admin" | "member" } }) =>
      unwrap(api.PATCH("/api/admin/users/{id}", { params: { path: { id } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin", "users"] }),
  });
  return (
    <>
      <ErrorAlert error={patch.error} />
      <QueryState query={users}>
        {(u) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Since</th>
                  <th scope="col">Access</th>
                </tr>
              </thead>
              <tbody>
                {u.items.map((x) => (
                  <tr key={x.id}>
                    <td>
                      {x.name || x.email}
                      <br />
                      <span className="muted small">{x.email}</span>
                    </td>
                    <td>
                      <label htmlFor={`role-${x.id}`} className="visually-hidden">
                        Role of {x.email}
                      </label>
                      <select
                        id={`role-${x.id}`}
                        value={x.role}
                        disabled={x.id === me.id}
                        onChange={(e) =>
                          patch.mutate({
                            id: x.id,
                            body: { role: e.target.value === "admin" ? "admin" : "member" },
                          })
                        }
                      >
                        <option value="member">member</option>
                        <option value="admin">admin</option>
                      </select>
                    </td>
                    <td>{formatInstant(x.createdAt, me.timezone)}</td>
                    <td>
                      {x.id === me.id ? (
                        "you"
                      ) : x.disabledAt ? (
                        <button
                          type="button"
                          className="button"
                          onClick={() => patch.mutate({ id: x.id, body: { disabled: false } })}
                        >
                          Enable
                        </button>
                      ) : (
                        <ConfirmButton
                          label="Disable"
                          question={`Disable ${x.email}? Their sessions and tokens stop working.`}
                          onConfirm={() => patch.mutate({ id: x.id, body: { disabled: true } })}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <details>
        <summary>Create a user</summary>
        <form onSubmit={form.onSubmit} noValidate>
          <ProblemAlert problem={form.problem} />
          <Field label="Email" error={form.errors.email}>
            {(p) => (
              <input
                {...p}
                type="email"
                value={v.email}
                onChange={(e) => setV({ ...v, email: e.target.value })}
              />
            )}
          </Field>
          <Field label="Name (optional)" error={form.errors.name}>
            {(p) => <input {...p} value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />}
          </Field>
          <Field
            label="Initial password"
            hint="Tell it to them; they can change it in Settings"
            error={form.errors.password}
          >
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="new-password"
                value={v.password}
                onChange={(e) => setV({ ...v, password: e.target.value })}
              />
            )}
          </Field>
          <Field label="Role" error={form.errors.role}>
            {(p) => (
              <select
                {...p}
                value={v.role}
                onChange={(e) => setV({ ...v, role: e.target.value === "admin" ? "admin" : "member" })}
              >
                <option value="member">member</option>
                <option value="admin">admin</option>
              </select>
            )}
          </Field>
          <SubmitButton pending={form.pending}>Create user</SubmitButton>
        </form>
      </details>
    </>
  );
}

function Registration() {
  const me = useMe();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: ["admin", "settings"],
    queryFn: () => unwrap(api.GET("/api/admin/settings")),
  });
  const invites = useQuery({
    queryKey: ["admin", "invites"],
    queryFn: () => unwrap(api.GET("/api/admin/invites", { params: { query: { limit: 50 } } })),
  });
  const setMode = useMutation({
    mutationFn: (registration: Mode) => unwrap(api.PUT("/api/admin/settings", { body: { registration } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin", "settings"] }),
  });
  const [days, setDays] = useState("7");
  const [code, setCode] = useState<string | null>(null);
  const invite = useSubmit({
    validate: () => ({ expiresInDays: rules.required(days, "Days") ?? rules.intRange(days, 1, 90, "Days") }),
    submit: () => unwrap(api.POST("/api/admin/invites", { body: { expiresInDays: Number(days) } })),
    onSuccess: (i) => {
      setCode(i.code);
      void queryClient.invalidateQueries({ queryKey: ["admin", "invites"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/admin/invites/{id}", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin", "invites"] }),
  });
  return (
    <>
      <QueryState query={settings}>
        {(s) => (
          <fieldset>
            <legend>Who may create an account</legend>
            {(
              [
                ["open", "Anyone (open registration)"],
                ["invite", "Only with an invitation code"],
                ["closed", "Nobody: administrators create accounts"],
              ] as const
            ).map(([m, label]) => (
              <label key={m} className="check">
                <input
                  type="radio"
                  name="registration"
                  checked={s.registration === m}
                  onChange={() => setMode.mutate(m)}
                />{" "}
                {label}
              </label>
            ))}
          </fieldset>
        )}
      </QueryState>
      <ErrorAlert error={setMode.error ?? revoke.error} />
      <h3>Invitations</h3>
      {code && (
        <div className="alert alert-success" role="status">
          <p>Invitation code (shown once): send it to the person with this server's address.</p>
          <code className="secret">{code}</code>
        </div>
      )}
      <form onSubmit={invite.onSubmit} noValidate className="row">
        <ProblemAlert problem={invite.problem} />
        <Field label="Valid for (days)" error={invite.errors.expiresInDays}>
          {(p) => (
            <input
              {...p}
              type="number"
              min={1}
              max={90}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          )}
        </Field>
        <SubmitButton pending={invite.pending}>Create invitation</SubmitButton>
      </form>
      <QueryState query={invites}>
        {(i) =>
          i.items.length === 0 ? (
            <Empty title="No invitations" />
          ) : (
            <ul>
              {i.items.map((x) => (
                <li key={x.id} className="row">
                  <span>
                    Created {formatInstant(x.createdAt, me.timezone)},{" "}
                    {x.usedAt
                      ? `used ${formatInstant(x.usedAt, me.timezone)}`
                      : `valid until ${formatInstant(x.expiresAt, me.timezone)}`}
                  </span>
                  {!x.usedAt && (
                    <ConfirmButton
                      label="Revoke"
                      question="Revoke this invitation?"
                      onConfirm={() => revoke.mutate(x.id)}
                    />
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </>
  );
}

function DeadJobs() {
  const me = useMe();
  const queryClient = useQueryClient();
  const jobs = useQuery({
    queryKey: ["admin", "dead"],
    queryFn: () => unwrap(api.GET("/api/admin/jobs/dead", { params: { query: { limit: 100 } } })),
  });
  const act = useMutation({
    mutationFn: ({ id, retry }: { id: string; retry: boolean }) =>
      retry
        ? unwrap(api.POST("/api/admin/jobs/dead/{id}/retry", { params: { path: { id } } }))
        : unwrap(api.DELETE("/api/admin/jobs/dead/{id}", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["admin", "dead"] }),
  });
  return (
    <>
      <ErrorAlert error={act.error} />
      <QueryState query={jobs}>
        {(j) =>
          j.items.length === 0 ? (
            <Empty title="No dead jobs">Jobs that failed every retry appear here.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Error</th>
                    <th scope="col">Died</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  {j.items.map((x) => (
                    <tr key={x.id}>
                      <td>
                        {x.name} <span className="muted small">after {x.attempts} attempts</span>
                      </td>
                      <td>{x.error}</td>
                      <td>{formatInstant(x.diedAt, me.timezone)}</td>
                      <td className="row">
                        <button
                          type="button"
                          className="button"
                          onClick={() => act.mutate({ id: x.id, retry: true })}
                        >
                          Retry
                        </button>
                        <ConfirmButton
                          label="Discard"
                          question={`Discard ${x.name}?`}
                          onConfirm={() => act.mutate({ id: x.id, retry: false })}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </>
  );
}

export function AdminPage() {
  const me = useMe();
  if (me.role !== "admin")
    return (
      <>
        <h1>Admin</h1>
        <p className="alert alert-warning">This page is for administrators.</p>
      </>
    );
  return (
    <>
      <h1>Admin</h1>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <Users />
      </section>
      <section className="card" aria-labelledby="reg-title">
        <h2 id="reg-title">Registration</h2>
        <Registration />
      </section>
      <section className="card" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Dead jobs</h2>
        <DeadJobs />
      </section>
    </>
  );
}
