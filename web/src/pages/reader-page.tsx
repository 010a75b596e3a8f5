import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { ProblemAlert } from "../components/form";
import { HighlightList } from "../components/highlight-list";
import { Empty, QueryState } from "../components/states";
import { isReadable, type LinkWithContent, linkKeys, statusText } from "../lib/links";
import { type QuoteSelector, quoteOf } from "../lib/quote";

const SIZES = [
  { value: "s", label: "Small" },
  { value: "m", label: "Medium" },
  { value: "l", label: "Large" },
  { value: "xl", label: "Extra large" },
] as const;
const THEMES = [
  { value: "auto", label: "Like the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
] as const;
type Size = (typeof SIZES)[number]["value"];
type Theme = (typeof THEMES)[number]["value"];

/** A reader setting kept in this browser. */
function useStored<T extends string>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => (localStorage.getItem(key) as T | null) ?? initial);
  const set = (v: T) => {
    localStorage.setItem(key, v);
    setValue(v);
  };
  return [value, set];
}

/** How far through the article the reader has scrolled (0–1). */
function scrolledThrough(el: HTMLElement): number {
  const rect = el.getBoundingClientRect();
  const total = rect.height - window.innerHeight;
  if (total <= 0) return 1;
  return Math.min(1, Math.max(0, -rect.top / total));
}

function Article({ link }: { link: LinkWithContent }) {
  const queryClient = useQueryClient();
  const [size, setSize] = useStored<Size>("readlog:reader-size", "m");
  const [theme, setTheme] = useStored<Theme>("readlog:reader-theme", "auto");
  const [progress, setProgress] = useState(link.progress);
  const [selection, setSelection] = useState<QuoteSelector | null>(null);
  const body = useRef<HTMLDivElement>(null);
  const sent = useRef(link.progress);

  const highlights = useQuery({
    queryKey: ["highlights", { targetId: link.id }],
    queryFn: () =>
      unwrap(
        api.GET("/api/highlights", {
          params: { query: { limit: 200, targetType: "link", targetId: link.id } },
        }),
      ),
  });
  const saveProgress = useMutation({
    mutationFn: (p: number) =>
      unwrap(
        api.PATCH("/api/links/{id}", {
          params: { path: { id: link.id } },
          body: p >= 0.98 ? { progress: 1, read: true } : { progress: p },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["links"] }),
  });
  const highlight = useMutation({
    mutationFn: (q: QuoteSelector) =>
      unwrap(
        api.POST("/api/highlights", {
          body: {
            text: q.quote.exact,
            target: { type: "link", id: link.id },
            location: { quote: q.quote, position: q.position, percent: Math.round(progress * 100) },
          },
        }),
      ),
    onSuccess: () => {
      setSelection(null);
      window.getSelection()?.removeAllRanges();
      void queryClient.invalidateQueries({ queryKey: ["highlights", { targetId: link.id }] });
    },
  });

  // Back where the reader left off.
  useEffect(() => {
    const el = body.current;
    if (!el || link.progress <= 0 || link.progress >= 1) return;
    const rect = el.getBoundingClientRect();
    window.scrollTo(0, rect.top + window.scrollY + link.progress * (rect.height - window.innerHeight));
  }, [link.progress]);

  // Progress follows the scroll; it is saved when it moved by 2% or more, at most every two seconds.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onScroll = () => {
      const el = body.current;
      if (!el) return;
      const p = scrolledThrough(el);
      setProgress(p);
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        const now = body.current ? scrolledThrough(body.current) : p;
        if (Math.abs(now - sent.current) >= 0.02) {
          sent.current = now;
          saveProgress.mutate(Math.round(now * 1000) / 1000);
        }
      }, 2000);
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      window.removeEventListener("scroll", onScroll);
      if (timer) clearTimeout(timer);
    };
  }, [saveProgress.mutate]);

  const onSelect = useCallback(() => {
    const sel = window.getSelection();
    const root = body.current;
    setSelection(sel && sel.rangeCount > 0 && root ? quoteOf(root, sel.getRangeAt(0)) : null);
  }, []);
  useEffect(() => {
    document.addEventListener("selectionchange", onSelect);
    return () => document.removeEventListener("selectionchange", onSelect);
  }, [onSelect]);

  const left =
    link.readingMinutes === null ? null : Math.max(0, Math.ceil(link.readingMinutes * (1 - progress)));
  return (
    <div className={`reader reader-${size}`} data-theme={theme}>
      <fieldset className="reader-controls row">
        <legend className="visually-hidden">Reading settings</legend>
        <label htmlFor="reader-size">Text size</label>
        <select id="reader-size" value={size} onChange={(e) => setSize(e.target.value as Size)}>
          {SIZES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor="reader-theme">Colours</label>
        <select id="reader-theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
          {THEMES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        <a href={link.url} target="_blank" rel="noreferrer noopener">
          Original
        </a>
      </fieldset>
      <header>
        <h1>{link.title?.trim() || link.site}</h1>
        <p className="muted">
          {[
            link.byline,
            link.siteName ?? link.site,
            link.readingMinutes ? `${link.readingMinutes} min read` : "",
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
        <p className="muted small" aria-live="polite">
          {left !== null && progress > 0 && progress < 1 ? `${left} min left` : ""}
          {progress >= 1 ? "Finished" : ""}
        </p>
      </header>
      {selection && (
        <section className="reader-selection" aria-label="Selected text">
          <button
            type="button"
            className="button primary"
            disabled={highlight.isPending}
            onClick={() => highlight.mutate(selection)}
          >
            Highlight the selection
          </button>
          <span className="muted small">
            “{selection.quote.exact.slice(0, 60)}
            {selection.quote.exact.length > 60 ? "…" : ""}”
          </span>
        </section>
      )}
      {highlight.error && <ProblemAlert problem={toProblem(highlight.error)} />}
      <div
        ref={body}
        className="reader-body prose"
        lang={link.lang ?? undefined}
        dir={link.dir === "rtl" ? "rtl" : undefined}
        // biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitised the article (no script, no style, images from the archive)
        dangerouslySetInnerHTML={{ __html: link.html ?? "" }}
      />
      <section aria-labelledby="reader-highlights" className="card">
        <h2 id="reader-highlights">Your highlights</h2>
        <QueryState query={highlights}>
          {(h) =>
            h.items.length === 0 ? (
              <p className="muted">Select text in the article to keep it as a highlight.</p>
            ) : (
              <HighlightList items={h.items} label="Highlights in this article" />
            )
          }
        </QueryState>
      </section>
    </div>
  );
}

export function ReaderPage() {
  const { id = "" } = useParams<{ id: string }>();
  const link = useQuery({
    queryKey: linkKeys.link(id),
    queryFn: () => unwrap(api.GET("/api/links/{id}", { params: { path: { id } } })),
    refetchInterval: (q) =>
      q.state.data && !isReadable(q.state.data) && q.state.data.status !== "failed" ? 2000 : false,
  });
  return (
    <>
      <p>
        <Link href="/articles">← Articles</Link>
      </p>
      <QueryState query={link} loading="Loading the article…">
        {(l) =>
          isReadable(l) && l.html ? (
            <Article link={l} />
          ) : (
            <>
              <h1>{l.title?.trim() || l.url}</h1>
              <Empty title={statusText(l)}>
                <p>
                  <a href={l.url} target="_blank" rel="noreferrer noopener">
                    Open the original page
                  </a>
                </p>
              </Empty>
            </>
          )
        }
      </QueryState>
    </>
  );
}
