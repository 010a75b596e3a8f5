/**
 * Collaborators' colours as classes: the server gives each account a colour (`hsl(H 70% 45%)`), and the
 * app's Content-Security-Policy allows no inline styles, so a colour becomes one of twelve classes of the
 * stylesheet (`peer-0` … `peer-11`, a hue every 30°): the nearest hue, the same on every client.
 */
export const PEER_CLASSES = 12;

/**
 * Class `peer-<i>`'s colour, behind its name label's white text: lightness 25 %, so every hue keeps at least
 * 4.5:1 against white (at 30 % the yellows and greens fell to ~4:1, which axe flags for the label's small
 * text); and the same hue, lighter and translucent, under a peer's selection.
 */
export function peerColors(i: number): { solid: string; soft: string } {
  const hue = (i % PEER_CLASSES) * (360 / PEER_CLASSES);
  return { solid: `hsl(${hue} 70% 25%)`, soft: `hsl(${hue} 70% 45% / 28%)` };
}

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
