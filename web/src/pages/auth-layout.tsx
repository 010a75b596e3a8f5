import type { ReactNode } from "react";

/** The frame of the pages shown without a session (sign-in, sign-up). */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth-card">
        <p className="brand">
          <img src="/icon.svg" alt="" width="32" height="32" /> Readlog
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
