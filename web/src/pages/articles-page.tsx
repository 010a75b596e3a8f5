import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { api, unwrap } from "../api/client";
import type { paths } from "../api/openapi.gen";
import { toProblem } from "../api/problem";
import { ErrorAlert, Field, ProblemAlert } from "../components/form";
import { Empty, Loading } from "../components/states";

export type Article = paths["/api/links/{id}"]["get"]["responses"]["200"]["content"]["application/json"];
type Listed = paths["/api/links"]["get"]["responses"]["200"]["content"]["application/json"]["items"][number];

export const articleKeys = { all: ["links"] as const, one: (id: string) => ["links", id] as const };

const VIEWS = [
  { key: "unread", label: "Unread", query: { unread: true } },
  { key: "all", label: "All", query: {} },
  { key: "favourite", label: "Favourites", query: { favourite: true } },
  { key: "archived", label: "Archived", query: { archived: true } },
] as const;

const STATUS_TEXT: Record<Listed["status"], string> = {
  pending: "Waiting to be fetched",
  fetching: "Fetching…",
  extracting: "Preparing the article…",
  ready: "",
  stored: "Kept as it is",
  failed: "Could not be read",
};

function SaveLink({ initial }: { initial: string }) {
  const queryClient = useQueryClient();
  // The bookmarklet opens this page with ?save=<the page's URL>: filled in, saved when the reader confirms.
  const [url, setUrl] = useState(initial);
  const save = useMutation({
    mutationFn: (u: string) => unwrap(api.POST("/api/links", { body: { url: u } })),
    onSuccess: () => {
      setUrl("");
      void queryClient.invalidateQueries({ queryKey: articleKeys.all });
    },
  });
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        if (url.trim()) save.mutate(url.trim());
      }}
    >
      <Field label="Save a link">
        {(p) => (
          <input
            {...p}
            type="url"
            inputMode="url"
            placeholder="https://…"
            value={url}
            maxLength={8192}
            onChange={(e) => setUrl(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button primary" disabled={save.isPending}>
        Save
      </button>
      <ProblemAlert problem={save.error ? toProblem(save.error) : null} />
    </form>
  );
}

function ArticleItem({ a }: { a: Listed }) {
  const title = a.title ?? a.url;
  const status = STATUS_TEXT[a.status];
  return (
    <li className="article-item">
      <h3>{a.status === "ready" ? <Link href={`/articles/${a.id}`}>{title}</Link> : <span>{title}</span>}</h3>
      <p className="muted small">
        {[
          a.siteName ?? a.site,
          a.readingMinutes ? `${a.readingMinutes} min read` : null,
          a.progress > 0 && a.minutesLeft ? `${a.minutesLeft} min left` : null,
          a.favourite ? "★ favourite" : null,
          ...a.tags.map((t) => `#${t}`),
        ]
          .filter(Boolean)
          .join(" · ")}
      </p>
      {status && (
        <p className={a.status === "failed" ? "small error-text" : "small muted"} role="status">
          {status}
          {a.error ? `: ${a.error}` : ""}
        </p>
      )}
    </li>
  );
}

/** The saved articles: save a link, the reading list (unread by default), favourites and the archive. */
export function ArticlesPage() {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const view = VIEWS.find((v) => v.key === search.get("view")) ?? VIEWS[0];
  const links = useInfiniteQuery({
    queryKey: [...articleKeys.all, view.key],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/api/links", {
          params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}), ...view.query } },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While something is in the pipeline, look again shortly.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) =>
        p.items.some((i) => ["pending", "fetching", "extracting"].includes(i.status)),
      )
        ? 3000
        : false,
  });
  const items = links.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <h1>Articles</h1>
      <SaveLink initial={search.get("save") ?? ""} />
      <details className="muted small">
        <summary>Bookmarklet</summary>
        <p>Make a bookmark with this address; on any page, it opens this form with the page filled in:</p>
        <code className="bookmarklet">{`javascript:location.href='${location.origin}/articles?save='+encodeURIComponent(location.href)`}</code>
      </details>
      <fieldset className="shelf-tabs">
        <legend className="visually-hidden">Show</legend>
        {VIEWS.map((v) => (
          <button
            key={v.key}
            type="button"
            className="button"
            aria-pressed={v.key === view.key}
            onClick={() =>
              navigate(v.key === "unread" ? "/articles" : `/articles?view=${v.key}`, { replace: true })
            }
          >
            {v.label}
          </button>
        ))}
      </fieldset>
      {links.error ? (
        <ErrorAlert error={links.error} />
      ) : links.isPending ? (
        <Loading label="Loading articles…" />
      ) : items.length === 0 ? (
        <Empty title={view.key === "unread" ? "Nothing to read" : "No articles here"}>
          <p>
            Save a link above, send one in a chat, or import from Pocket, Instapaper, Omnivore or bookmarks.
          </p>
        </Empty>
      ) : (
        <>
          <ul className="article-list" aria-label="Articles">
            {items.map((a) => (
              <ArticleItem key={a.id} a={a} />
            ))}
          </ul>
          {links.hasNextPage && (
            <button
              type="button"
              className="button"
              disabled={links.isFetchingNextPage}
              onClick={() => void links.fetchNextPage()}
            >
              More
            </button>
          )}
        </>
      )}
    </>
  );
}
