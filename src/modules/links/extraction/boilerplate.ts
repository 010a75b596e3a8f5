// Boilerplate pruning before and after Readability. The patterns are the usual suspects across
// CMSs (WordPress, Drupal, TYPO3, news sites): comment threads, "related" teasers, share bars,
// newsletter boxes, author bios, breadcrumbs, ratings, cookie banners. Readability's own
// unlikelyCandidates list is narrower and it applies it only to candidate selection, so these blocks
// survive inside the chosen container; trafilatura prunes the same kinds of blocks by class and id.

/** Class/id tokens that mark a block that is not part of the article. */
const BOILERPLATE =
  /(?:^|[\s_-])(?:comments?|comment-?(?:list|respond|form|area|section|content)|kommentare?|disqus|respond|replies|related|relatedposts?|yarpp|more-?(?:stories|articles|posts|news)|also-?read|read-?also|next-?post|prev-?post|post-?nav(?:igation)?|nav-?links|pagination|pager|sharing|sharedaddy|shariff|addthis|heateor|newsletter|subscribe|subscription|signup|promo|advert(?:isement)?|adsense|banner|cookie|consent|gdpr|borlabs|breadcrumbs?|tags|tag-?list|tagcloud|post-?tags|entry-?tags|post-?meta|entry-?meta|postmetadata|entry-?utility|entry-?footer|article-?footer|post-?footer|author-?(?:bio|box|info|description|card)|about-?(?:the-?)?author|saboxplugin-?wrap|abh_box|m-a-box|post-?ratings?|rating|disclaimer|copyright|affiliate|ez-toc-container|print-?button|teasers|teaser-?list|disclosure|licen[cs]e-?info)(?:$|[\s_-])/i;

/**
 * The subset that is safe on the whole page, before Readability picks its container: names that
 * only ever mark a box (comment forms, share bars, author boxes, post navigation), never a wrapper
 * that might hold the article.
 */
const PAGE_BOILERPLATE =
  /(?:^|[\s_-])(?:comment-?(?:respond|form|list)|respond|disqus|sharedaddy|shariff|sociable|relatedposts|related-?posts|yarpp|post-?nav(?:igation)?|nav-?links|next-?post|prev-?post|pager|author-?(?:bio|box|info|description|card)|authorbox|authorinfo|post-?tags|entry-?tags|tag-?list|post-?meta|postmeta|postmetadata|entry-?meta|entry-?utility|entry-?footer|post-?footer|article-?footer|post-?ratings|subscribe|subscription|signup|newsletter|gdpr|cookie-?(?:banner|notice|consent)|borlabs)(?:$|[\s_-])/i;

/**
 * Class names that hide a block (Bootstrap's `hidden`/`d-none`, Bulma's `is-hidden`, `hide`): whole tokens
 * only, so `hidden-xs` (hidden on small screens) is not one. Inside Readability's result only: Readability
 * drops what a style or attribute hides, not what a class does. Screen-reader texts are left alone.
 */
const HIDDEN_CLASS = /(?:^|\s)(?:hidden|d-none|is-hidden|hide|hideCompletely)(?:$|\s)/;

const HIDDEN_TOKENS = new RegExp(HIDDEN_CLASS.source, "g");

/**
 * A hidden block beside a shown one of the same kind (same tag, same classes but the hiding one) is a page
 * of the article that a script shows in turn (a gallery's slides, a paginated list): it is the article.
 */
function isHiddenPage(el: ElementLike, cls: string): boolean {
  const base = cls.replace(HIDDEN_TOKENS, " ").replace(/\s+/g, " ").trim();
  const siblings = el.parentElement?.children;
  if (!base || !siblings) return false;
  for (let i = 0; i < siblings.length; i++) {
    const s = siblings[i];
    if (!s || s === el || s.tagName !== el.tagName) continue;
    const sc = s.getAttribute("class") ?? "";
    if (!HIDDEN_CLASS.test(sc) && sc.replace(/\s+/g, " ").trim() === base) return true;
  }
  return false;
}

/** Elements that never carry article text. */
const PAGE_TAGS = "nav, aside, footer, button, select, textarea, template, dialog";
const REMOVE_TAGS = "nav, aside, footer, button, select, textarea, input, iframe, dialog, template";

/** Readability's byline test (class, id, rel, itemprop), as a regex and as a selector. */
const BYLINE = /byline|author|dateline|writtenby|p-author/i;
const BYLINE_SELECTOR =
  '[rel="author"], [itemprop*="author"], [class*="byline" i], [class*="author" i], [class*="dateline" i], [class*="writtenby" i], [id*="byline" i], [id*="author" i], [id*="dateline" i]';

interface ElementLike {
  querySelector(selector: string): ElementLike | null;
  readonly tagName: string;
  readonly parentElement: ElementLike | null;
  readonly children?: ArrayLike<ElementLike>;
  getAttribute(name: string): string | null;
  readonly textContent: string | null;
  remove(): void;
}

interface RootLike {
  querySelectorAll(selector: string): Iterable<ElementLike>;
  readonly textContent: string | null;
}

/** Containers that hold the whole page on some sites (ASP.NET forms, page-wide "footer" wrappers). */
function tooBig(el: ElementLike, pageText: number): boolean {
  return (el.textContent?.length ?? 0) > pageText * 0.5;
}

/**
 * Removes boilerplate blocks from `root` in place: structural tags that never hold article text and
 * blocks whose class or id names them as comments, teasers, share bars and the like. A block holding
 * more than half of the page's text is kept whatever its name (it is the page, not a box on it).
 */
export function pruneBoilerplate(root: RootLike, scope: "article" | "page" = "article"): number {
  const pageText = root.textContent?.length ?? 0;
  const pattern = scope === "page" ? PAGE_BOILERPLATE : BOILERPLATE;
  let removed = 0;
  for (const el of [...root.querySelectorAll(scope === "page" ? PAGE_TAGS : REMOVE_TAGS)]) {
    if (tooBig(el, pageText)) continue;
    if (scope === "page" && el.querySelector(BYLINE_SELECTOR)) continue;
    el.remove();
    removed++;
  }
  for (const el of [...root.querySelectorAll("[class], [id]")]) {
    const tag = el.tagName;
    if (tag === "BODY" || tag === "HTML" || tag === "ARTICLE" || tag === "MAIN") continue;
    const cls = el.getAttribute("class") ?? "";
    const name = `${el.getAttribute("id") ?? ""} ${cls}`;
    if (!pattern.test(name) && !(scope === "article" && HIDDEN_CLASS.test(cls) && !isHiddenPage(el, cls)))
      continue;
    if (tooBig(el, pageText)) continue;
    // On the page, Readability has yet to find the byline: leave it (and boxes holding it) for that.
    if (scope === "page" && (BYLINE.test(name) || el.querySelector(BYLINE_SELECTOR))) continue;
    el.remove();
    removed++;
  }
  return removed;
}

interface BlockLike extends ElementLike {
  querySelectorAll(selector: string): Iterable<BlockLike>;
  querySelector(selector: string): BlockLike | null;
  readonly lastElementChild: BlockLike | null;
  readonly children: ArrayLike<BlockLike>;
}

const squash = (s: string | null) => (s ?? "").replace(/\s+/g, " ").trim();

function linkDensity(el: BlockLike, textLength: number): number {
  let links = 0;
  for (const a of el.querySelectorAll("a")) links += squash(a.textContent).length;
  return textLength === 0 ? 0 : links / textLength;
}

/**
 * Removes short blocks that are mostly link text ("Read more: <headline>", lists of other articles):
 * a paragraph, list item or list under 150 characters of which 60 % or more is link text.
 */
export function pruneLinkBoxes(root: BlockLike): number {
  let removed = 0;
  for (const el of [...root.querySelectorAll("p, li, ul, ol, h2, h3, h4, h5, h6, div")]) {
    const len = squash(el.textContent).length;
    if (len === 0 || len >= 150) continue;
    if (el.tagName === "DIV" && el.querySelector("p, div, li, table") !== null) continue;
    if (linkDensity(el, len) >= 0.6) {
      el.remove();
      removed++;
    }
  }
  return removed;
}

/** The deepest last block of `root`: what a reader sees as the article's final line. */
function lastBlock(root: BlockLike): BlockLike | null {
  let el = root.lastElementChild;
  while (el?.lastElementChild && /^(DIV|SECTION|ARTICLE|UL|OL|DL|BLOCKQUOTE)$/.test(el.tagName)) {
    el = el.lastElementChild;
  }
  return el;
}

/**
 * Trims the article's tail: short closing lines such as "Share this article?", "Advertisement:",
 * a bare date or a "More from us:" heading that Readability keeps when they sit inside the article's
 * container. Stops at the first line of 60 characters or more, and never trims more than five lines
 * or anything when the article is shorter than 500 characters.
 */
export function trimTail(root: BlockLike): number {
  if (squash(root.textContent).length < 500) return 0;
  let removed = 0;
  while (removed < 5) {
    const el = lastBlock(root);
    if (!el || el === root) break;
    const text = squash(el.textContent);
    if (
      text.length >= 60 ||
      el.tagName === "IMG" ||
      el.querySelector("img, picture, video, table, pre") !== null
    ) {
      if (text.length === 0 && el.tagName !== "IMG") {
        el.remove();
        continue;
      }
      break;
    }
    el.remove();
    if (text.length > 0) removed++;
  }
  return removed;
}

/** A photo credit or source line ("Photo: …", "Bild: …", "(Credit: …)", "© …"). */
const CREDIT =
  /^\(?\s*(?:photos?|fotos?|bild(?:er|quelle)?|images?|credits?|crédits?(?: photos?)?|sources?|quellen?(?:angaben)?|titelbild|beitragsbild|copyright|©|\(c\)|photograph(?:ed)? by|picture|abbildung|grafik|illustration)\b/i;
/** A "see also" / comments / sharing line: the start of a box of other things, in common languages. */
const SEE_ALSO =
  /^(?:auch interessant|das könnte (?:sie|dich) auch interessieren|lesen sie (?:auch|mehr)|mehr zum thema|weitere (?:informationen|artikel|beiträge|themen)|related(?: stories| articles| posts| coverage)?|read more|see also|more from|you may also like|recommended|à lire aussi|lire aussi|le puede interesar|lea (?:también|más)|ver también|leggi anche|kommentare?(?: schreiben| insgesamt)?|kommentieren|comments?|share this|teilen|diesen artikel teilen)\b/i;
const DATE = /\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}|\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b/;

/**
 * Removes the article's metadata lines that Readability keeps as text: photo credits, "see also" and
 * comment headings, and short date lines (a dateline of under 40 characters and five words, not a
 * list item). Table cells are left alone (a date in a table is data).
 */
export function pruneMetaLines(root: BlockLike): number {
  let removed = 0;
  // Blocks only: a date or a "Source" inside a sentence (a citation's span) is part of the prose.
  for (const el of [...root.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, div, figcaption")]) {
    if (el.querySelector("p, div, li, table, img, pre, ul, ol") !== null) continue;
    if (insideTable(el, root)) continue;
    const text = squash(el.textContent);
    if (text.length === 0) continue;
    const credit = text.length < 100 && CREDIT.test(text);
    const seeAlso = text.length < 80 && SEE_ALSO.test(text);
    // List items are content (a reference, a schedule entry); a dateline is a paragraph or a span.
    const dateline =
      el.tagName !== "LI" && text.length < 40 && DATE.test(text) && text.split(" ").length <= 5;
    if (credit || seeAlso || dateline) {
      el.remove();
      removed++;
    }
  }
  return removed;
}

function insideTable(el: BlockLike, root: BlockLike): boolean {
  for (let p = el.parentElement; p && p !== root; p = p.parentElement) if (p.tagName === "TABLE") return true;
  return false;
}
