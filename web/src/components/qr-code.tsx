import { encode } from "uqr";

/** A QR code drawn as SVG squares (no script, no image request), for a phone's camera. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { data, size } = encode(text, { border: 2 });
  const cells: string[] = [];
  for (const [y, row] of data.entries())
    for (const [x, dark] of row.entries()) if (dark) cells.push(`M${x} ${y}h1v1h-1z`);
  return (
    <svg
      className="qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={cells.join("")} fill="#000" />
    </svg>
  );
}
