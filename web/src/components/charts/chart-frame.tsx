import { type ReactNode, useId, useState } from "react";

export interface TableColumn<T> {
  label: string;
  value: (row: T) => ReactNode;
  numeric?: boolean;
}

/**
 * A chart with its accessible alternatives: the SVG is one image whose name is the title and whose
 * description is `summary` (a sentence with the figures that matter), and the same data as a table.
 */
export function ChartFrame<T>({
  title,
  summary,
  rows,
  columns,
  children,
  legend,
}: {
  title: string;
  summary: string;
  rows: T[];
  columns: TableColumn<T>[];
  /** Draws the chart, given the ids that name and describe it and its title (for the SVG's <title>). */
  children: (a11y: { labelledBy: string; title: string }) => ReactNode;
  legend?: ReactNode;
}) {
  const id = useId();
  // The table is built when first opened: a closed <details> shows nothing, and a dashboard of charts would
  // otherwise render thousands of cells nobody asked for.
  const [opened, setOpened] = useState(false);
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p id={`${id}-summary`} className="muted small">
        {summary}
      </p>
      {legend}
      {children({ labelledBy: `${id}-title ${id}-summary`, title })}
      <details onToggle={(e) => e.currentTarget.open && setOpened(true)}>
        <summary>Show as a table</summary>
        {opened && (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.label} scope="col" className={c.numeric ? "num" : undefined}>
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows are in a fixed order
                  <tr key={i}>
                    {columns.map((c) => (
                      <td key={c.label} className={c.numeric ? "num" : undefined}>
                        {c.value(r)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </figure>
  );
}
