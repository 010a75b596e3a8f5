/** A book's cover, or its initial on a tinted card when it has none. */
export function Cover({ title, url, large }: { title: string; url: string | null; large?: boolean }) {
  const cls = large ? "cover cover-large" : "cover";
  return url ? (
    <img className={cls} src={url} alt="" loading="lazy" referrerPolicy="no-referrer" />
  ) : (
    <span className={cls} aria-hidden="true">
      {title.slice(0, 1).toUpperCase()}
    </span>
  );
}
