/**
 * Collaborators' cursors and selections in CodeMirror, from Yjs awareness: each client publishes its
 * selection as Yjs relative positions (`cursor: {anchor, head}`, as y-codemirror.next does, so other Yjs
 * editors understand it), and every other client's is drawn as a highlighted range and a caret with the
 * person's name. Colours are classes (lib/peer-colors.ts), not inline styles, for the app's CSP.
 */
import type { Extension } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  type EditorView,
  ViewPlugin,
  type ViewUpdate,
  WidgetType,
} from "@codemirror/view";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { peerClass } from "./peer-colors";

class Caret extends WidgetType {
  constructor(
    readonly name: string,
    readonly className: string,
  ) {
    super();
  }
  override eq(other: Caret) {
    return other.name === this.name && other.className === this.className;
  }
  toDOM() {
    const caret = document.createElement("span");
    caret.className = `cm-peer-caret ${this.className}`;
    caret.setAttribute("aria-hidden", "true");
    const name = document.createElement("span");
    name.className = "cm-peer-name";
    name.textContent = this.name;
    caret.append(name);
    return caret;
  }
  override ignoreEvent() {
    return true;
  }
}

interface Range {
  from: number;
  to: number;
  head: number;
  name: string;
  className: string;
}

export function remoteCursors(ytext: Y.Text, awareness: Awareness): Extension {
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet = Decoration.none;
      private readonly onChange: (change: { added: number[]; updated: number[]; removed: number[] }) => void;
      private destroyed = false;

      constructor(readonly view: EditorView) {
        this.onChange = ({ added, updated, removed }) => {
          const others = [...added, ...updated, ...removed].some((id) => id !== awareness.clientID);
          // Redrawn after the current update, if any, is done.
          if (others)
            queueMicrotask(() => {
              if (!this.destroyed) this.view.dispatch({});
            });
        };
        awareness.on("change", this.onChange);
        this.decorations = this.build();
      }

      update(u: ViewUpdate) {
        this.publish(u);
        this.decorations = this.build();
      }

      destroy() {
        this.destroyed = true;
        awareness.off("change", this.onChange);
      }

      /** This client's selection, while the editor has focus (none otherwise). */
      private publish(u: ViewUpdate) {
        const local = awareness.getLocalState();
        if (!local) return;
        const focused = u.view.hasFocus;
        if (!focused) {
          if (local.cursor != null && u.focusChanged) awareness.setLocalStateField("cursor", null);
          return;
        }
        const sel = u.state.selection.main;
        const anchor = Y.createRelativePositionFromTypeIndex(ytext, sel.anchor);
        const head = Y.createRelativePositionFromTypeIndex(ytext, sel.head);
        const was = local.cursor as { anchor: unknown; head: unknown } | null | undefined;
        if (
          was &&
          Y.compareRelativePositions(Y.createRelativePositionFromJSON(was.anchor), anchor) &&
          Y.compareRelativePositions(Y.createRelativePositionFromJSON(was.head), head)
        )
          return;
        awareness.setLocalStateField("cursor", { anchor, head });
      }

      private ranges(): Range[] {
        const doc = ytext.doc;
        if (!doc) return [];
        const length = this.view.state.doc.length;
        const out: Range[] = [];
        for (const [clientId, state] of awareness.getStates()) {
          if (clientId === awareness.clientID) continue;
          const cursor = state.cursor as { anchor?: unknown; head?: unknown } | null | undefined;
          if (!cursor?.anchor || !cursor.head) continue;
          let anchor: Y.AbsolutePosition | null;
          let head: Y.AbsolutePosition | null;
          try {
            anchor = Y.createAbsolutePositionFromRelativePosition(
              Y.createRelativePositionFromJSON(cursor.anchor),
              doc,
            );
            head = Y.createAbsolutePositionFromRelativePosition(
              Y.createRelativePositionFromJSON(cursor.head),
              doc,
            );
          } catch {
            continue; // a state that is not a position
          }
          if (!anchor || !head || anchor.type !== ytext || head.type !== ytext) continue;
          const user = (state.user ?? {}) as { name?: unknown; color?: unknown };
          const clamp = (n: number) => Math.max(0, Math.min(length, n));
          out.push({
            from: clamp(Math.min(anchor.index, head.index)),
            to: clamp(Math.max(anchor.index, head.index)),
            head: clamp(head.index),
            name: typeof user.name === "string" && user.name ? user.name : "Someone",
            className: peerClass(user.color),
          });
        }
        return out;
      }

      private build(): DecorationSet {
        const all: { from: number; to: number; deco: Decoration }[] = [];
        for (const r of this.ranges()) {
          if (r.to > r.from)
            all.push({
              from: r.from,
              to: r.to,
              deco: Decoration.mark({ class: `cm-peer-selection ${r.className}` }),
            });
          all.push({
            from: r.head,
            to: r.head,
            deco: Decoration.widget({
              widget: new Caret(r.name, r.className),
              side: r.head > r.from ? -1 : 1,
            }),
          });
        }
        return Decoration.set(
          all.map(({ from, to, deco }) => deco.range(from, to)),
          true,
        );
      }
    },
    { decorations: (v) => v.decorations },
  );
}
