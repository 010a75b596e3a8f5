/** A search hit's snippet with the matched words marked (`marks` are [start, end) offsets in `text`). */
interface Marked {
  text: string;
  marks: number[][];
  cutStart: boolean;
  cutEnd: boolean;
}

export function Snippet({ snippet }: { snippet: Marked }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const [start = 0, end = 0] of snippet.marks) {
    if (start < at) continue;
    parts.push(snippet.text.slice(at, start));
    parts.push(<mark key={start}>{snippet.text.slice(start, end)}</mark>);
    at = end;
  }
  parts.push(snippet.text.slice(at));
  return (
    <>
      {snippet.cutStart ? "…" : ""}
      {parts}
      {snippet.cutEnd ? "…" : ""}
    </>
  );
}
