import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { browserTimeZone, timeZones } from "../lib/format";
import { meKey, useMe } from "../lib/session";
import { Field, ProblemAlert, SubmitButton, useSubmit } from "./form";

/** Name and time zone (days in the log are days in this zone); the browser's zone is offered first. */
export function ProfileForm({
  onSaved,
  confirmLabel = "Save",
}: {
  onSaved?: () => void;
  confirmLabel?: string;
}) {
  const me = useMe();
  const queryClient = useQueryClient();
  const detected = browserTimeZone();
  const [name, setName] = useState(me.name);
  const [timezone, setTimezone] = useState(
    me.timezone === "UTC" && detected !== "UTC" ? detected : me.timezone,
  );
  const [saved, setSaved] = useState(false);
  const form = useSubmit({
    validate: () => ({ name: name.trim().length > 100 ? "At most 100 characters" : undefined }),
    submit: () =>
      unwrap(api.PATCH("/api/me", { body: { timezone, ...(name.trim() ? { name: name.trim() } : {}) } })),
    onSuccess: (user) => {
      queryClient.setQueryData(meKey, user);
      void queryClient.invalidateQueries();
      setSaved(true);
      onSaved?.();
    },
  });
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <ProblemAlert problem={form.problem} />
      {saved && (
        <p className="alert alert-success" role="status">
          Saved.
        </p>
      )}
      <Field label="Name" error={form.errors.name}>
        {(p) => <input {...p} value={name} autoComplete="name" onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field
        label="Time zone"
        hint={`Your browser says ${detected}. A day of reading is a day in this zone.`}
        error={form.errors.timezone}
      >
        {(p) => (
          <select {...p} value={timezone} onChange={(e) => setTimezone(e.target.value)}>
            {timeZones(timezone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubmitButton pending={form.pending}>{confirmLabel}</SubmitButton>
    </form>
  );
}
