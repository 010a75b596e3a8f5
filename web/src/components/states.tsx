import type { ReactNode } from "react";
import { ErrorAlert } from "./form";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** Renders a query's three states: loading, error (its problem detail) or the data. */
export function QueryState<T>({
  query,
  loading,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined };
  loading?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorAlert error={query.error} />;
  if (query.isPending || query.data === undefined)
    return <Loading {...(loading ? { label: loading } : {})} />;
  return <>{children(query.data)}</>;
}
