import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";
import { Field, ProblemAlert, SubmitButton, useSubmit } from "./form";

type ScheduleBody = NonNullable<
  paths["/api/schedules"]["post"]["requestBody"]
>["content"]["application/json"];

export const schedulesKey = ["schedules"] as const;

const WEEKDAYS = [
  { n: 1, name: "Mon" },
  { n: 2, name: "Tue" },
  { n: 3, name: "Wed" },
  { n: 4, name: "Thu" },
  { n: 5, name: "Fri" },
  { n: 6, name: "Sat" },
  { n: 7, name: "Sun" },
];

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A new reminder: every day, on some weekdays, or an RRULE; with optional quiet hours. */
export function ReminderForm({ onCreated }: { onCreated?: () => void }) {
  const queryClient = useQueryClient();
  const [v, setV] = useState({
    kind: "daily" as "daily" | "weekdays" | "rrule",
    at: "21:00",
    days: [1, 2, 3, 4, 5],
    rrule: "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=10;BYMINUTE=0",
    what: "pages" as "pages" | "review",
    quietFrom: "",
    quietTo: "",
  });
  const [created, setCreated] = useState(false);
  const form = useSubmit({
    validate: () => ({
      "when/daily": v.kind !== "rrule" && !TIME.test(v.at) ? "A time like 21:00" : undefined,
      "when/weekdays": v.kind === "weekdays" && v.days.length === 0 ? "Pick at least one day" : undefined,
      "when/rrule":
        v.kind === "rrule" && !/FREQ=/.test(v.rrule)
          ? "An RRULE has a FREQ, e.g. FREQ=DAILY;BYHOUR=21"
          : undefined,
      "quietHours/from":
        (v.quietFrom || v.quietTo) && !(TIME.test(v.quietFrom) && TIME.test(v.quietTo))
          ? "Give both ends as times"
          : undefined,
    }),
    submit: () => {
      const when: ScheduleBody["when"] =
        v.kind === "daily"
          ? { daily: v.at }
          : v.kind === "weekdays"
            ? { weekdays: v.days, at: v.at }
            : { rrule: v.rrule.trim() };
      return unwrap(
        api.POST("/api/schedules", {
          body: {
            when,
            what: v.what,
            ...(v.quietFrom ? { quietHours: { from: v.quietFrom, to: v.quietTo } } : {}),
          },
        }),
      );
    },
    onSuccess: () => {
      setCreated(true);
      void queryClient.invalidateQueries({ queryKey: schedulesKey });
      onCreated?.();
    },
  });
  const whenError = form.errors["when/daily"] ?? form.errors["when/at"] ?? form.errors.when;
  return (
    <form onSubmit={form.onSubmit} noValidate>
      <ProblemAlert problem={form.problem} />
      {created && (
        <p className="alert alert-success" role="status">
          Reminder saved.
        </p>
      )}
      <fieldset>
        <legend>Remind me to</legend>
        <label className="check">
          <input
            type="radio"
            name="what"
            checked={v.what === "pages"}
            onChange={() => setV({ ...v, what: "pages" })}
          />{" "}
          log my pages
        </label>
        <label className="check">
          <input
            type="radio"
            name="what"
            checked={v.what === "review"}
            onChange={() => setV({ ...v, what: "review" })}
          />{" "}
          review
        </label>
      </fieldset>
      <fieldset>
        <legend>When</legend>
        {(["daily", "weekdays", "rrule"] as const).map((k) => (
          <label key={k} className="check">
            <input type="radio" name="when" checked={v.kind === k} onChange={() => setV({ ...v, kind: k })} />
            {k === "daily"
              ? "Every day"
              : k === "weekdays"
                ? "On some days of the week"
                : "A custom rule (RRULE)"}
          </label>
        ))}
      </fieldset>
      {v.kind !== "rrule" && (
        <Field label="At" error={whenError}>
          {(p) => (
            <input {...p} type="time" value={v.at} onChange={(e) => setV({ ...v, at: e.target.value })} />
          )}
        </Field>
      )}
      {v.kind === "weekdays" && (
        <fieldset aria-describedby={form.errors["when/weekdays"] ? "weekday-error" : undefined}>
          <legend>Days</legend>
          <div className="row">
            {WEEKDAYS.map((d) => (
              <label key={d.n} className="check">
                <input
                  type="checkbox"
                  checked={v.days.includes(d.n)}
                  onChange={(e) =>
                    setV({
                      ...v,
                      days: e.target.checked ? [...v.days, d.n].sort() : v.days.filter((x) => x !== d.n),
                    })
                  }
                />
                {d.name}
              </label>
            ))}
          </div>
          {form.errors["when/weekdays"] && (
            <p className="field-error" id="weekday-error">
              {form.errors["when/weekdays"]}
            </p>
          )}
        </fieldset>
      )}
      {v.kind === "rrule" && (
        <Field label="RRULE" hint="RFC 5545, in your time zone" error={form.errors["when/rrule"]}>
          {(p) => <input {...p} value={v.rrule} onChange={(e) => setV({ ...v, rrule: e.target.value })} />}
        </Field>
      )}
      <div className="grid">
        <Field label="Quiet hours from (optional)" error={form.errors["quietHours/from"]}>
          {(p) => (
            <input
              {...p}
              type="time"
              value={v.quietFrom}
              onChange={(e) => setV({ ...v, quietFrom: e.target.value })}
            />
          )}
        </Field>
        <Field label="Quiet hours to" error={form.errors["quietHours/to"]}>
          {(p) => (
            <input
              {...p}
              type="time"
              value={v.quietTo}
              onChange={(e) => setV({ ...v, quietTo: e.target.value })}
            />
          )}
        </Field>
      </div>
      <SubmitButton pending={form.pending}>Save reminder</SubmitButton>
    </form>
  );
}
