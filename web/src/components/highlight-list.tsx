import type { Highlight } from "../lib/notes";
import { locationText } from "../lib/notes";

/** Highlights as quotes, each with where it is in the book and the note written on it. */
export function HighlightList({ items, label }: { items: Highlight[]; label: string }) {
  return (
    <ul className="item-list" aria-label={label}>
      {items.map((h) => (
        <li key={h.id} className="item highlight" data-color={h.color ?? undefined}>
          <blockquote>{h.text}</blockquote>
          <p className="muted small">
            {[locationText(h.locationLabel, h.location), h.source !== "web" ? `from ${h.source}` : ""]
              .filter(Boolean)
              .join(" · ")}
          </p>
          {h.note && <p>{h.note}</p>}
        </li>
      ))}
    </ul>
  );
}
