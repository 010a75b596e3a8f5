import { useEffect, useState } from "react";

type Render = (source: string) => string;
let renderer: Promise<Render> | undefined;

/**
 * The same Markdown library as the server (markdown-it), loaded on first preview. Raw HTML is escaped
 * (`html: false`) and markdown-it refuses javascript: and data: links, so its output is safe to insert.
 * Wikilinks are marked (their text is already escaped) and resolved to links once the note is saved.
 */
function loadRenderer(): Promise<Render> {
  renderer ??= import("markdown-it").then(({ default: MarkdownIt }) => {
    const md = new MarkdownIt({ html: false, linkify: true, breaks: false });
    return (source: string) =>
      md
        .render(source)
        .replace(
          /\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g,
          (_m, target: string, alias?: string) => `<span class="wikilink">${alias ?? target}</span>`,
        );
  });
  return renderer;
}

export function Markdown({ source }: { source: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void loadRenderer().then((render) => live && setHtml(render(source)));
    return () => {
      live = false;
    };
  }, [source]);
  if (html === null) return <p className="muted">Rendering…</p>;
  // biome-ignore lint/security/noDangerouslySetInnerHtml: markdown-it with html: false escapes raw HTML
  return <div dangerouslySetInnerHTML={{ __html: html }} />;
}
