import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { Field, ProblemAlert, SubmitButton, useSubmit } from "../components/form";
import { Empty, QueryState } from "../components/states";
import {
  type LinkFilter,
  type LinkPatch,
  linkKeys,
  minutesLeft,
  type SavedLink,
  statusText,
} from "../lib/links";
import { tagsOf } from "../lib/notes";

const FILTERS: { value: LinkFilter; label: string }[] = [
  { value: "unread", label: "Unread" },
  { value: "all", label: "All" },
  { value: "favourite", label: "Favourites" },
  { value: "archived", label: "Archived" },
];

function filterQuery(filter: LinkFilter) {
  if (filter === "unread") return { unread: true };
  if (filter === "favourite") return { favourite: true };
  if (filter === "archived") return { archived: true };
  return {};
}

/** The bookmarklet opens the page with ?save=<the page's URL>: filled in, saved when the reader confirms. */
function SaveBox({ initial }: { initial: string }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(initial);
  const [tags, setTags] = useState("");
  const form = useSubmit({
    validate: () => ({
      url:
        url.trim() === ""
          ? "Paste the address of a page"
          : /^https?:\/\//i.test(url.trim())
            ? undefined
            : "An address starts with http:// or https://",
    }),
    submit: () =>
      unwrap(
        api.POST("/api/links", { body: { url: url.trim(), ...(tags.trim() ? { tags: tagsOf(tags) } : {}) } }),
      ),
    onSuccess: () => {
      setUrl("");
      setTags("");
      void queryClient.invalidateQueries({ queryKey: ["links"] });
    },
  });
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate aria-labelledby="save-title">
      <h2 id="save-title" className="h3">
        Save a link
      </h2>
      <ProblemAlert problem={form.problem} />
      <div className="row align-end">
        <Field label="Address" error={form.errors.url}>
          {(p) => (
            <input
              {...p}
              type="url"
              inputMode="url"
              value={url}
              placeholder="https://…"
              onChange={(e) => setUrl(e.target.value)}
            />
          )}
        </Field>
        <Field label="Tags" hint="Separated by commas" error={form.errors.tags}>
          {(p) => <input {...p} value={tags} onChange={(e) => setTags(e.target.value)} />}
        </Field>
        <SubmitButton pending={form.pending}>Save</SubmitButton>
      </div>
    </form>
  );
}

function ArticleRow({ link, onTag }: { link: SavedLink; onTag: (tag: string) => void }) {
  const queryClient = useQueryClient();
  const patch = useMutation({
    mutationFn: (body: LinkPatch) =>
      unwrap(api.PATCH("/api/links/{id}", { params: { path: { id: link.id } }, body })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["links"] }),
  });
  const left = minutesLeft(link);
  const title = link.title?.trim() || link.url;
  return (
    <li className="item">
      <h2 className="h3">
        <Link href={`/articles/${link.id}`}>{title}</Link>
      </h2>
      <p className="muted small">
        {[
          link.siteName ?? link.site,
          link.readingMinutes ? `${link.readingMinutes} min` : "",
          link.progress > 0 && left !== null && !link.readAt ? `${left} min left` : "",
          link.readAt ? "read" : "",
        ]
          .filter(Boolean)
          .join(" · ")}
      </p>
      <p className={link.status === "failed" ? "field-error" : "muted small"}>{statusText(link)}</p>
      {link.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {link.tags.map((t) => (
            <li key={t}>
              <button type="button" className="tag" onClick={() => onTag(t)}>
                #{t}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button
          type="button"
          className="button ghost"
          aria-pressed={link.favourite}
          onClick={() => patch.mutate({ favourite: !link.favourite })}
        >
          {link.favourite ? "★ Favourite" : "☆ Favourite"}
          <span className="visually-hidden"> {title}</span>
        </button>
        <button type="button" className="button ghost" onClick={() => patch.mutate({ read: !link.readAt })}>
          {link.readAt ? "Mark unread" : "Mark read"}
          <span className="visually-hidden"> {title}</span>
        </button>
        <button
          type="button"
          className="button ghost"
          onClick={() => patch.mutate({ archived: !link.archivedAt })}
        >
          {link.archivedAt ? "Unarchive" : "Archive"}
          <span className="visually-hidden"> {title}</span>
        </button>
      </div>
      {patch.error && <ProblemAlert problem={toProblem(patch.error)} />}
    </li>
  );
}

export function ArticlesPage() {
  const [params, setParams] = useSearchParams();
  const filter = (params.get("show") as LinkFilter | null) ?? "unread";
  const tag = params.get("tag") ?? "";
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  const set = (key: string, value: string) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  const links = useQuery({
    queryKey: linkKeys.list(filter, tag, q),
    queryFn: () =>
      unwrap(
        api.GET("/api/links", {
          params: {
            query: { limit: 100, ...filterQuery(filter), ...(tag ? { tag } : {}), ...(q ? { q } : {}) },
          },
        }),
      ),
    // While an article is on its way, look again.
    refetchInterval: (query) =>
      query.state.data?.items.some((l) => ["pending", "fetching", "extracting"].includes(l.status))
        ? 2000
        : false,
  });
  return (
    <>
      <h1>Articles</h1>
      <SaveBox initial={params.get("save") ?? ""} />
      <details className="muted small">
        <summary>Bookmarklet</summary>
        <p>Make a bookmark with this address; on any page, it opens this form with the page filled in:</p>
        <code className="bookmarklet">{`javascript:location.href='${location.origin}/articles?save='+encodeURIComponent(location.href)`}</code>
      </details>
      <fieldset className="shelf-tabs">
        <legend className="visually-hidden">Show</legend>
        {FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            className="button"
            aria-pressed={filter === f.value}
            onClick={() => set("show", f.value === "unread" ? "" : f.value)}
          >
            {f.label}
          </button>
        ))}
      </fieldset>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          set("q", text.trim());
        }}
      >
        <label htmlFor="articles-q" className="visually-hidden">
          Search titles and sites
        </label>
        <input
          id="articles-q"
          type="search"
          value={text}
          placeholder="Search titles and sites"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button">
          Search
        </button>
        {tag && (
          <button type="button" className="button ghost" onClick={() => set("tag", "")}>
            Tag: {tag} ✕<span className="visually-hidden"> (remove this filter)</span>
          </button>
        )}
      </form>
      <QueryState query={links} loading="Loading articles…">
        {(page) =>
          page.items.length === 0 ? (
            <Empty title={filter === "unread" && !tag && !q ? "Nothing left to read" : "No articles match"}>
              <p>Save a link above, or send one to Readlog from WhatsApp or Telegram.</p>
            </Empty>
          ) : (
            <ul className="item-list" aria-label="Articles">
              {page.items.map((l) => (
                <ArticleRow key={l.id} link={l} onTag={(t) => set("tag", t)} />
              ))}
            </ul>
          )
        }
      </QueryState>
    </>
  );
}
