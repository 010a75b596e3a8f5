import { useState } from "react";
import { Link } from "wouter";
import { ChannelLink } from "../components/channel-link";
import { ReminderForm } from "../components/reminder-form";
import { ProfileForm } from "../components/timezone-form";
import { useMe } from "../lib/session";

/** First steps after signing up: confirm the time zone, link a chat app, set a first reminder. */
export function OnboardingPage() {
  const me = useMe();
  const [done, setDone] = useState({ zone: false, reminder: false });
  return (
    <>
      <h1>Welcome{me.name ? `, ${me.name}` : ""}</h1>
      <p>Three quick steps, each can be skipped and changed later in Settings.</p>
      <ol className="steps">
        <li className="card">
          <h2>1. Your time zone {done.zone && <span className="muted">✓ saved</span>}</h2>
          <p className="muted">
            Pages count for the day they were read in this zone (for streaks and the calendar).
          </p>
          <ProfileForm confirmLabel="Confirm time zone" onSaved={() => setDone({ ...done, zone: true })} />
        </li>
        <li className="card">
          <h2>2. Log pages from a chat</h2>
          <p className="muted">
            Send <kbd>dune 142</kbd> to Readlog on WhatsApp or Telegram and it records page 142 of Dune.
          </p>
          <ChannelLink />
        </li>
        <li className="card">
          <h2>3. A first reminder {done.reminder && <span className="muted">✓ saved</span>}</h2>
          <p className="muted">Readlog asks for your pages at this time, on the linked chat.</p>
          <ReminderForm onCreated={() => setDone({ ...done, reminder: true })} />
        </li>
      </ol>
      <p className="row">
        <Link href="/library?add=1" className="button primary">
          Add your first book
        </Link>
        <Link href="/" className="button">
          Go to Today
        </Link>
      </p>
    </>
  );
}
