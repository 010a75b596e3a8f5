import { minutesLeft } from "../link-view.js";
import type { ListedLinkRow } from "../links.repo.js";

/**
 * The reader view's policy: nothing of the article runs. No script at all (`script-src 'none'`, and the
 * `sandbox` without `allow-scripts` forbids it whatever the page holds), no forms, no plugins, no frames;
 * images only from the archive on this origin; styles only the reader's stylesheet (no inline style, no
 * style attribute). `allow-same-origin` keeps the archive's images reachable with the session cookie; with
 * scripts off, nothing in the page can read that cookie or call the API.
 */
export const READER_CSP = [
  "default-src 'none'",
  "script-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox",
].join("; ");

export const SIZES = ["s", "m", "l", "xl"] as const;
export const THEMES = ["auto", "light", "dark"] as const;
export type ReaderSize = (typeof SIZES)[number];
export type ReaderTheme = (typeof THEMES)[number];

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

function date(iso: string | null): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : undefined;
}

/** One link's reader page: the sanitised article (images from the archive), its metadata and the controls. */
export function readerPage(
  link: ListedLinkRow,
  html: string | null,
  view: { size: ReaderSize; theme: ReaderTheme },
): string {
  const title = link.title?.trim() || link.site;
  const left = minutesLeft(link);
  const meta = [
    link.byline,
    link.site_name ?? link.site,
    date(link.published_at),
    link.reading_minutes ? `${link.reading_minutes} min read` : undefined,
    left !== null && link.progress > 0 && left > 0 ? `${left} min left` : undefined,
  ].filter((x): x is string => Boolean(x));
  const control = (key: "size" | "theme", value: string, label: string) => {
    const next = { ...view, [key]: value };
    const current = view[key] === value ? ' aria-current="true"' : "";
    return `<a href="?size=${next.size}&amp;theme=${next.theme}"${current}>${label}</a>`;
  };
  const body =
    html ??
    (link.status === "failed"
      ? `<p class="status">This article could not be read: ${escapeHtml(link.error ?? "unknown error")}.</p>`
      : link.status === "stored"
        ? `<p class="status">${escapeHtml(link.error ?? "Kept as it is, not an article")}.</p>`
        : `<p class="status">Not readable yet (${escapeHtml(link.status)}). Reload in a moment.</p>`);
  const lang = link.lang ? ` lang="${escapeHtml(link.lang)}"` : "";
  const dir = link.dir === "rtl" || link.dir === "ltr" ? ` dir="${link.dir}"` : "";
  return `<!doctype html>
<html${lang} class="size-${view.size} theme-${view.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/read/reader.css">
</head>
<body>
<nav class="controls" aria-label="Reading settings">
<span>Text ${SIZES.map((s) => control("size", s, s.toUpperCase())).join(" ")}</span>
<span>Theme ${control("theme", "auto", "Auto")} ${control("theme", "light", "Light")} ${control("theme", "dark", "Dark")}</span>
</nav>
<article${dir}>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${meta.map(escapeHtml).join(" · ")}</p>
<p class="source"><a href="${escapeHtml(link.url)}" rel="noopener noreferrer">${escapeHtml(link.site)}</a></p>
</header>
${body}
</article>
</body>
</html>
`;
}

/** The reader's stylesheet: a readable measure, serif body text, light and dark themes, four sizes. */
export const READER_CSS = `:root{color-scheme:light dark;--bg:#fbfaf7;--fg:#1d1d1f;--muted:#6b6b70;--link:#1a5fb4;--rule:#e3e1dc}
@media (prefers-color-scheme:dark){.theme-auto{--bg:#16171a;--fg:#e6e4df;--muted:#9a9aa0;--link:#8ab4f8;--rule:#2c2d31}}
.theme-light{--bg:#fbfaf7;--fg:#1d1d1f;--muted:#6b6b70;--link:#1a5fb4;--rule:#e3e1dc;color-scheme:light}
.theme-dark{--bg:#16171a;--fg:#e6e4df;--muted:#9a9aa0;--link:#8ab4f8;--rule:#2c2d31;color-scheme:dark}
html{background:var(--bg);color:var(--fg);font:19px/1.6 Charter,"Bitstream Charter","Iowan Old Style",Georgia,serif}
.size-s{font-size:16px}.size-m{font-size:19px}.size-l{font-size:22px}.size-xl{font-size:26px}
body{margin:0;padding:1rem}
article{max-width:38em;margin:0 auto 4rem}
h1,h2,h3,h4{font-family:system-ui,sans-serif;line-height:1.25}
h1{font-size:1.9em;margin:.5em 0 .2em}
.meta,.source,.status,.controls{font-family:system-ui,sans-serif;color:var(--muted);font-size:.8em}
.controls{max-width:38em;margin:0 auto;display:flex;gap:1.5em;justify-content:flex-end}
.controls a{color:var(--muted);text-decoration:none;padding:0 .2em}
.controls a[aria-current]{color:var(--fg);font-weight:600;border-bottom:2px solid var(--fg)}
a{color:var(--link)}
img,video,figure{max-width:100%;height:auto}
figure{margin:1.5em 0}figcaption{color:var(--muted);font-size:.85em}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
pre{overflow-x:auto;padding:.8em;border:1px solid var(--rule);border-radius:4px}
blockquote{margin:1em 0;padding-left:1em;border-left:3px solid var(--rule);color:var(--muted)}
table{border-collapse:collapse;display:block;overflow-x:auto}td,th{border:1px solid var(--rule);padding:.3em .6em}
hr{border:0;border-top:1px solid var(--rule)}
`;
