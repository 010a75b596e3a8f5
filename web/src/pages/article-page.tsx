import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { ProblemAlert } from "../components/form";
import { QueryState } from "../components/states";
import { type Article, articleKeys } from "./articles-page";

const SIZES = ["s", "m", "l", "xl"] as const;
const THEMES = ["auto", "light", "dark"] as const;
type Size = (typeof SIZES)[number];
type Theme = (typeof THEMES)[number];

function stored<T extends string>(key: string, values: readonly T[], fallback: T): T {
  const v = localStorage.getItem(key);
  return values.includes(v as T) ? (v as T) : fallback;
}

/**
 * One article. The article itself is the server's reader view (`/read/{id}`) in a frame: its policy runs no
 * script, and it never enters this page's DOM. This page keeps the settings (size, theme), remembers the
 * reading progress as the frame scrolls, and shows the time left.
 */
export function ArticlePage() {
  const { id = "" } = useParams<{ id: string }>();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [size, setSize] = useState<Size>(() => stored("reader-size", SIZES, "m"));
  const [theme, setTheme] = useState<Theme>(() => stored("reader-theme", THEMES, "auto"));
  const frame = useRef<HTMLIFrameElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const article = useQuery({
    queryKey: articleKeys.one(id),
    queryFn: () => unwrap(api.GET("/api/links/{id}", { params: { path: { id } } })),
  });
  const update = useMutation({
    mutationFn: (body: { progress?: number; favourite?: boolean; archived?: boolean; read?: boolean }) =>
      unwrap(api.PATCH("/api/links/{id}", { params: { path: { id } }, body })),
    onSuccess: (a) => {
      queryClient.setQueryData(articleKeys.one(id), (old: Article | undefined) =>
        old ? { ...old, ...a } : old,
      );
      void queryClient.invalidateQueries({ queryKey: articleKeys.all, exact: false, refetchType: "none" });
    },
  });
  const save = useRef(update.mutate);
  save.current = update.mutate;

  useEffect(() => localStorage.setItem("reader-size", size), [size]);
  useEffect(() => localStorage.setItem("reader-theme", theme), [theme]);

  // Progress: the frame's scroll, saved a moment after the reader stops scrolling.
  const start = article.data?.progress;
  useEffect(() => {
    const el = frame.current;
    if (!el || start === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let win: Window | null = null;
    const onScroll = () => {
      if (!win) return;
      const doc = win.document.documentElement;
      const max = doc.scrollHeight - win.innerHeight;
      const p = max > 0 ? Math.min(1, Math.max(0, win.scrollY / max)) : 1;
      setProgress(p);
      clearTimeout(timer);
      timer = setTimeout(() => save.current({ progress: Math.round(p * 1000) / 1000 }), 1500);
    };
    const onLoad = () => {
      win = el.contentWindow;
      if (!win) return;
      const doc = win.document.documentElement;
      win.scrollTo(0, start * (doc.scrollHeight - win.innerHeight));
      win.addEventListener("scroll", onScroll, { passive: true });
    };
    el.addEventListener("load", onLoad);
    return () => {
      el.removeEventListener("load", onLoad);
      win?.removeEventListener("scroll", onScroll);
      clearTimeout(timer);
    };
  }, [start]);

  return (
    <QueryState query={article}>
      {(a) => {
        const p = progress ?? a.progress;
        const left = a.readingMinutes ? Math.max(0, Math.ceil(a.readingMinutes * (1 - p))) : null;
        return (
          <article className="article-page" aria-labelledby="article-title">
            <div className="row">
              <Link href="/articles">← Articles</Link>
              <h1 id="article-title" className="visually-hidden">
                {a.title ?? a.url}
              </h1>
              <span className="muted small" role="status">
                {left !== null ? (left > 0 ? `${left} min left` : "Read to the end") : ""}
              </span>
            </div>
            <div className="row reader-controls">
              <label>
                Text{" "}
                <select value={size} onChange={(e) => setSize(e.target.value as Size)}>
                  {SIZES.map((s) => (
                    <option key={s} value={s}>
                      {s.toUpperCase()}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Theme{" "}
                <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
                  {THEMES.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="button"
                aria-pressed={a.favourite}
                onClick={() => update.mutate({ favourite: !a.favourite })}
              >
                {a.favourite ? "★ Favourite" : "☆ Favourite"}
              </button>
              <button
                type="button"
                className="button"
                onClick={() =>
                  update.mutate(
                    { archived: !a.archivedAt },
                    { onSuccess: () => !a.archivedAt && navigate("/articles") },
                  )
                }
              >
                {a.archivedAt ? "Unarchive" : "Archive"}
              </button>
              <a className="button ghost" href={a.url} rel="noopener noreferrer" target="_blank">
                Original
              </a>
            </div>
            <ProblemAlert problem={update.error ? toProblem(update.error) : null} />
            <iframe
              ref={frame}
              className="reader-frame"
              title={a.title ?? "Article"}
              src={`/read/${a.id}?size=${size}&theme=${theme}`}
              sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
            />
          </article>
        );
      }}
    </QueryState>
  );
}
