import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";
import { formatInstant } from "../lib/format";
import { useMe } from "../lib/session";
import { Field, ProblemAlert, SubmitButton, useSubmit } from "./form";
import { QrCode } from "./qr-code";
import { QueryState } from "./states";

type LinkCode = paths["/api/channels"]["post"]["responses"]["201"]["content"]["application/json"];

export const channelsKey = ["channels"] as const;

export function useChannels() {
  return useQuery({ queryKey: channelsKey, queryFn: () => unwrap(api.GET("/api/channels")) });
}

/** A link that opens the chat app with the message typed in (WhatsApp lets the person pick the chat). */
function chatUrl(code: LinkCode): string {
  return code.kind === "whatsapp"
    ? `https://wa.me/?text=${encodeURIComponent(code.send)}`
    : `tg://msg?text=${encodeURIComponent(code.send)}`;
}

function Code({ code }: { code: LinkCode }) {
  const me = useMe();
  const queryClient = useQueryClient();
  return (
    <div className="alert alert-info" role="status">
      <p>{code.instructions}</p>
      <p>
        Send exactly: <code className="secret">{code.send}</code>
      </p>
      <div className="row">
        <QrCode
          text={chatUrl(code)}
          label={`QR code that opens ${code.kind === "whatsapp" ? "WhatsApp" : "Telegram"} with “${code.send}” typed in`}
        />
        <div>
          <p>
            On your phone, scan the code or{" "}
            <a href={chatUrl(code)}>open {code.kind === "whatsapp" ? "WhatsApp" : "Telegram"}</a> with the
            message typed in, and send it to this server's{" "}
            {code.kind === "whatsapp" ? "WhatsApp number" : "bot"}.
          </p>
          <p className="muted small">The code works until {formatInstant(code.expiresAt, me.timezone)}.</p>
          <button
            type="button"
            className="button"
            onClick={() => queryClient.invalidateQueries({ queryKey: channelsKey })}
          >
            I sent it: check
          </button>
        </div>
      </div>
    </div>
  );
}

/** Links WhatsApp or Telegram: asks the server for a one-time code and shows the message to send. */
export function ChannelLink() {
  const channels = useChannels();
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState<LinkCode | null>(null);
  const [kind, setKind] = useState<"whatsapp" | "telegram">("whatsapp");
  const form = useSubmit({
    validate: () => ({
      phone:
        kind === "whatsapp" && !/^\+?[\d\s().-]{7,20}$/.test(phone.trim())
          ? "Your WhatsApp number in international format, e.g. +44 7700 900123"
          : undefined,
    }),
    submit: () =>
      unwrap(
        api.POST("/api/channels", { body: kind === "whatsapp" ? { kind, phone: phone.trim() } : { kind } }),
      ),
    onSuccess: setCode,
  });
  return (
    <QueryState query={channels}>
      {(c) => (
        <>
          {c.items.length > 0 && (
            <ul>
              {c.items.map((ch) => (
                <li key={ch.id}>
                  {ch.kind === "whatsapp" ? "WhatsApp" : "Telegram"}: {ch.display ?? ch.address} (linked)
                </li>
              ))}
            </ul>
          )}
          {c.enabled.length === 0 ? (
            <p className="muted">
              This server has no chat channel set up (its administrator can configure WhatsApp or Telegram).
              You can log pages here and from the command line meanwhile.
            </p>
          ) : (
            <form onSubmit={form.onSubmit} noValidate>
              <ProblemAlert problem={form.problem} />
              <fieldset>
                <legend>Chat app</legend>
                {c.enabled.map((k) => (
                  <label key={k} className="check">
                    <input
                      type="radio"
                      name="channel-kind"
                      checked={kind === k}
                      onChange={() => setKind(k)}
                    />
                    {k === "whatsapp" ? "WhatsApp" : "Telegram"}
                  </label>
                ))}
              </fieldset>
              {kind === "whatsapp" && (
                <Field
                  label="Your WhatsApp number"
                  hint="International format, with the country code"
                  error={form.errors.phone}
                >
                  {(p) => (
                    <input
                      {...p}
                      type="tel"
                      autoComplete="tel"
                      value={phone}
                      onChange={(e) => setPhone(e.target.value)}
                    />
                  )}
                </Field>
              )}
              <SubmitButton pending={form.pending}>Get a link code</SubmitButton>
            </form>
          )}
          {code && <Code code={code} />}
        </>
      )}
    </QueryState>
  );
}
