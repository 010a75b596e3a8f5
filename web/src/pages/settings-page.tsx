import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";
import { toProblem } from "../api/problem";
import { ConfirmButton } from "../components/book-form";
import { ChannelLink, channelsKey } from "../components/channel-link";
import { ErrorAlert, Field, ProblemAlert, rules, SubmitButton, useSubmit } from "../components/form";
import { ReminderForm, schedulesKey } from "../components/reminder-form";
import { Empty, QueryState } from "../components/states";
import { ProfileForm } from "../components/timezone-form";
import { formatInstant, formatPercent } from "../lib/format";
import { HIGHLIGHT_MODES, type HighlightMode } from "../lib/queries";
import { useMe } from "../lib/session";

type Scope = "read" | "write" | "admin";
type Schedule =
  paths["/api/schedules"]["get"]["responses"]["200"]["content"]["application/json"]["items"][number];

function PasswordForm() {
  const [v, setV] = useState({ currentPassword: "", newPassword: "", confirm: "" });
  const [saved, setSaved] = useState(false);
  const form = useSubmit({
    validate: () => ({
      currentPassword: v.currentPassword ? undefined : "Your current password is required",
      newPassword: rules.password(v.newPassword),
      confirm: v.confirm !== v.newPassword ? "The two passwords differ" : undefined,
    }),
    submit: () =>
      unwrap(
        api.POST("/api/me/password", {
          body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
        }),
      ),
    onSuccess: () => {
      setSaved(true);
      setV({ currentPassword: "", newPassword: "", confirm: "" });
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <ProblemAlert problem={form.problem} />
      {saved && (
        <p className="alert alert-success" role="status">
          Password changed.
        </p>
      )}
      <Field label="Current password" error={form.errors.currentPassword}>
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="current-password"
            value={v.currentPassword}
            onChange={(e) => setV({ ...v, currentPassword: e.target.value })}
          />
        )}
      </Field>
      <Field label="New password" hint="8 to 256 characters" error={form.errors.newPassword}>
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={v.newPassword}
            onChange={(e) => setV({ ...v, newPassword: e.target.value })}
          />
        )}
      </Field>
      <Field label="New password again" error={form.errors.confirm}>
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            value={v.confirm}
            onChange={(e) => setV({ ...v, confirm: e.target.value })}
          />
        )}
      </Field>
      <SubmitButton pending={form.pending}>Change password</SubmitButton>
    </form>
  );
}

function Tokens() {
  const me = useMe();
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ["tokens"],
    queryFn: () => unwrap(api.GET("/api/tokens", { params: { query: { limit: 100 } } })),
  });
  const [v, setV] = useState({ name: "", scopes: ["read", "write"] as Scope[], expiresInDays: "" });
  const [secret, setSecret] = useState<string | null>(null);
  const form = useSubmit({
    validate: () => ({
      name: rules.required(v.name, "A name"),
      scopes: v.scopes.length === 0 ? "Pick at least one scope" : undefined,
      expiresInDays: rules.intRange(v.expiresInDays, 1, 3650, "Days"),
    }),
    submit: () =>
      unwrap(
        api.POST("/api/tokens", {
          body: {
            name: v.name.trim(),
            scopes: v.scopes,
            ...(v.expiresInDays ? { expiresInDays: Number(v.expiresInDays) } : {}),
          },
        }),
      ),
    onSuccess: (t) => {
      setSecret(t.token);
      setV({ ...v, name: "" });
      void queryClient.invalidateQueries({ queryKey: ["tokens"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/tokens/{id}", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["tokens"] }),
  });
  const scopes: Scope[] = me.role === "admin" ? ["read", "write", "admin"] : ["read", "write"];
  return (
    <>
      {secret && (
        <div className="alert alert-success" role="status">
          <p>Your new token. Copy it now: it is shown only once.</p>
          <code className="secret" data-testid="new-token">
            {secret}
          </code>
        </div>
      )}
      <form onSubmit={form.onSubmit} noValidate>
        <ProblemAlert problem={form.problem} />
        <Field label="Token name" hint="Where you will use it, e.g. “laptop CLI”" error={form.errors.name}>
          {(p) => (
            <input
              {...p}
              value={v.name}
              maxLength={100}
              onChange={(e) => setV({ ...v, name: e.target.value })}
            />
          )}
        </Field>
        <fieldset aria-describedby={form.errors.scopes ? "scope-error" : undefined}>
          <legend>Scopes</legend>
          {scopes.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={v.scopes.includes(s)}
                onChange={(e) =>
                  setV({
                    ...v,
                    scopes: e.target.checked ? [...v.scopes, s] : v.scopes.filter((x) => x !== s),
                  })
                }
              />
              {s}
            </label>
          ))}
          {form.errors.scopes && (
            <p className="field-error" id="scope-error">
              {form.errors.scopes}
            </p>
          )}
        </fieldset>
        <Field label="Expires after (days, optional)" error={form.errors.expiresInDays}>
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={1}
              value={v.expiresInDays}
              onChange={(e) => setV({ ...v, expiresInDays: e.target.value })}
            />
          )}
        </Field>
        <SubmitButton pending={form.pending}>Create token</SubmitButton>
      </form>
      {revoke.error && <ProblemAlert problem={toProblem(revoke.error)} />}
      <QueryState query={tokens}>
        {(t) =>
          t.items.length === 0 ? (
            <Empty title="No tokens yet" />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Last used</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {t.items.map((k) => (
                    <tr key={k.id}>
                      <td>
                        {k.name} <span className="muted small">{k.prefix}…</span>
                      </td>
                      <td>{k.scopes.join(", ")}</td>
                      <td>{k.lastUsedAt ? formatInstant(k.lastUsedAt, me.timezone) : "never"}</td>
                      <td>
                        {k.revokedAt ? (
                          "revoked"
                        ) : (
                          <ConfirmButton
                            label="Revoke"
                            question={`Revoke “${k.name}”?`}
                            onConfirm={() => revoke.mutate(k.id)}
                          />
                        )}
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

function Channels() {
  const queryClient = useQueryClient();
  const unlink = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/api/channels/{id}", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: channelsKey }),
  });
  const channels = useQuery({ queryKey: channelsKey, queryFn: () => unwrap(api.GET("/api/channels")) });
  return (
    <>
      {channels.data?.items.map((c) => (
        <div key={c.id} className="row">
          <span>
            {c.kind === "whatsapp" ? "WhatsApp" : "Telegram"} {c.display ?? c.address}
          </span>
          <ConfirmButton
            label="Unlink"
            question={`Stop using ${c.display ?? c.address}?`}
            onConfirm={() => unlink.mutate(c.id)}
          />
        </div>
      ))}
      <ErrorAlert error={unlink.error} />
      <ChannelLink />
    </>
  );
}

function describeWhen(s: Schedule): string {
  const w = s.when;
  if ("daily" in w) return `Every day at ${w.daily}`;
  if ("weekdays" in w)
    return `${w.weekdays.map((d) => ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d]).join(", ")} at ${w.at}`;
  return `RRULE ${w.rrule}`;
}

function Reminders() {
  const me = useMe();
  const queryClient = useQueryClient();
  const schedules = useQuery({ queryKey: schedulesKey, queryFn: () => unwrap(api.GET("/api/schedules")) });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "pause" | "resume" | "snooze" | "delete" }) => {
      const path = { params: { path: { id } } };
      if (action === "pause")
        return unwrap(api.POST("/api/schedules/{id}/pause", { ...path, body: { days: 7 } }));
      if (action === "resume") return unwrap(api.POST("/api/schedules/{id}/resume", path));
      if (action === "snooze")
        return unwrap(api.POST("/api/schedules/{id}/snooze", { ...path, body: { minutes: 60 } }));
      return unwrap(api.DELETE("/api/schedules/{id}", path));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: schedulesKey }),
  });
  return (
    <>
      <ErrorAlert error={act.error} />
      <QueryState query={schedules}>
        {(s) =>
          s.items.length === 0 ? (
            <Empty title="No reminders" />
          ) : (
            <ul className="reading-list">
              {s.items.map((r) => (
                <li key={r.id} className="reading-book">
                  <p>
                    <strong>{r.what === "pages" ? "Log pages" : "Review"}</strong>: {describeWhen(r)} (
                    {r.timezone}){r.quietHours ? `, quiet ${r.quietHours.from}–${r.quietHours.to}` : ""}
                  </p>
                  <p className="muted small">
                    {r.pausedUntil ? `Paused until ${formatInstant(r.pausedUntil, me.timezone)}. ` : ""}
                    {r.nextFireAt ? `Next: ${formatInstant(r.nextFireAt, me.timezone)}` : "No next time"}
                  </p>
                  <div className="row">
                    {r.pausedUntil ? (
                      <button
                        type="button"
                        className="button"
                        onClick={() => act.mutate({ id: r.id, action: "resume" })}
                      >
                        Resume
                      </button>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="button"
                          onClick={() => act.mutate({ id: r.id, action: "snooze" })}
                        >
                          Snooze 1 hour
                        </button>
                        <button
                          type="button"
                          className="button"
                          onClick={() => act.mutate({ id: r.id, action: "pause" })}
                        >
                          Pause 7 days
                        </button>
                      </>
                    )}
                    <ConfirmButton
                      label="Delete"
                      question="Delete this reminder?"
                      onConfirm={() => act.mutate({ id: r.id, action: "delete" })}
                    />
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      <details>
        <summary>New reminder</summary>
        <ReminderForm />
      </details>
    </>
  );
}

function Retention() {
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: ["reviews", "settings"],
    queryFn: () => unwrap(api.GET("/api/reviews/settings")),
  });
  const [value, setValue] = useState<string | null>(null);
  const [mode, setMode] = useState<HighlightMode | null>(null);
  const [perDay, setPerDay] = useState<string | null>(null);
  const shown = value ?? (settings.data ? String(Math.round(settings.data.desiredRetention * 100)) : "");
  const shownMode = mode ?? settings.data?.highlightCards ?? "highlight";
  const shownPerDay = perDay ?? (settings.data ? String(settings.data.dailyHighlights) : "");
  const form = useSubmit({
    validate: () => ({
      desiredRetention: rules.intRange(shown, 70, 99, "Retention") ?? rules.required(shown, "Retention"),
      dailyHighlights:
        rules.intRange(shownPerDay, 0, 50, "Highlights a day") ??
        rules.required(shownPerDay, "Highlights a day"),
    }),
    submit: () =>
      unwrap(
        api.PUT("/api/reviews/settings", {
          body: {
            desiredRetention: Number(shown) / 100,
            highlightCards: shownMode,
            dailyHighlights: Number(shownPerDay),
          },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["reviews"] }),
  });
  return (
    <QueryState query={settings}>
      {(s) => (
        <form onSubmit={form.onSubmit} noValidate>
          <ProblemAlert problem={form.problem} />
          <Field
            label="Desired retention (%)"
            hint={`Now ${formatPercent(s.desiredRetention)}: the chance of still remembering a card when it comes due. Higher asks more often.`}
            error={form.errors.desiredRetention}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={70}
                max={99}
                value={shown}
                onChange={(e) => setValue(e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Highlights in review"
            hint="Each highlight its own card, one card per book showing a few of its highlights, or none. A book may choose otherwise on its page."
          >
            {(p) => (
              <select {...p} value={shownMode} onChange={(e) => setMode(e.target.value as HighlightMode)}>
                {HIGHLIGHT_MODES.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Highlights a day"
            hint="How many highlight cards the daily review draws (0: none)."
            error={form.errors.dailyHighlights}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={50}
                value={shownPerDay}
                onChange={(e) => setPerDay(e.target.value)}
              />
            )}
          </Field>
          <SubmitButton pending={form.pending}>Save</SubmitButton>
        </form>
      )}
    </QueryState>
  );
}

function ExportDownload() {
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const download = async () => {
    setPending(true);
    setError(null);
    try {
      const data = await unwrap(api.GET("/api/export"));
      const url = URL.createObjectURL(new Blob([JSON.stringify(data)], { type: "application/json" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `readlog-export-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <p className="muted">
        Everything you keep in Readlog, as one JSON file that Library → Import reads back.
      </p>
      <ErrorAlert error={error} />
      <button type="button" className="button" onClick={download} disabled={pending}>
        {pending ? "Preparing…" : "Download export"}
      </button>
    </>
  );
}

export function SettingsPage() {
  const me = useMe();
  return (
    <>
      <h1>Settings</h1>
      <p className="muted">
        Signed in as {me.email} ({me.role}), since {formatInstant(me.createdAt, me.timezone)}.
      </p>
      <div className="grid">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile and time zone</h2>
          <ProfileForm />
        </section>
        <section className="card" aria-labelledby="password-title">
          <h2 id="password-title">Password</h2>
          <PasswordForm />
        </section>
      </div>
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        <p className="muted">For the command line and scripts: send as “Authorization: Bearer …”.</p>
        <Tokens />
      </section>
      <section className="card" aria-labelledby="channels-title">
        <h2 id="channels-title">Chat apps</h2>
        <Channels />
      </section>
      <section className="card" aria-labelledby="reminders-title">
        <h2 id="reminders-title">Reminders</h2>
        <Reminders />
      </section>
      <div className="grid">
        <section className="card" aria-labelledby="retention-title">
          <h2 id="retention-title">Reviews</h2>
          <Retention />
        </section>
        <section className="card" aria-labelledby="export-title">
          <h2 id="export-title">Export</h2>
          <ExportDownload />
        </section>
      </div>
    </>
  );
}
