/**
 * Collaborators' colours as classes: the server gives each account a colour (`hsl(H 70% 45%)`), and the
 * app's Content-Security-Policy allows no inline styles, so a colour becomes one of twelve classes of the
 * stylesheet (`peer-0` … `peer-11`, a hue every 30°): the nearest hue, the same on every client.
 */
export const PEER_CLASSES = 12;

export function peerClass(color: unknown): string {
  const hue = typeof color === "string" ? /^hsl\(\s*(\d{1,3})(?:\.\d+)?[\s,]/.exec(color)?.[1] : undefined;
  if (hue === undefined) return "peer-0";
  return `peer-${Math.round(Number(hue) / (360 / PEER_CLASSES)) % PEER_CLASSES}`;
}

/** Who a collaborator is, as the server wrote it into their awareness state (never what they claimed). */
export interface Peer {
  clientId: number;
  id: string;
  name: string;
  className: string;
}

/** The people in an awareness map other than this client, one entry per account (first tab wins). */
export function peersOf(states: Map<number, Record<string, unknown>>, self: number): Peer[] {
  const seen = new Map<string, Peer>();
  for (const [clientId, state] of states) {
    if (clientId === self) continue;
    const user = state.user as { id?: unknown; name?: unknown; color?: unknown } | undefined;
    if (!user || typeof user.id !== "string") continue;
    if (seen.has(user.id)) continue;
    seen.set(user.id, {
      clientId,
      id: user.id,
      name: typeof user.name === "string" && user.name ? user.name : "Someone",
      className: peerClass(user.color),
    });
  }
  return [...seen.values()];
}
