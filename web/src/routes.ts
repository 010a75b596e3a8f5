// The code of each page but the first (Today, or sign-in, in the app's chunk): loaded when first opened, or
// at boot when the app starts on it (preloadRoute), in parallel with the app's own code and the page's data.
export const loaders = {
  "/onboarding": () => import("./pages/onboarding-page"),
  "/library/import": () => import("./pages/import-page"),
  "/library": () => import("./pages/library-page"),
  "/books": () => import("./pages/book-page"),
  "/notes/import": () => import("./pages/highlights-import-page"),
  "/notes": () => import("./pages/notes-page"),
  "/note": () => import("./pages/note-page"),
  "/highlights": () => import("./pages/highlights-page"),
  "/articles": () => import("./pages/articles-page"),
  "/article": () => import("./pages/reader-page"),
  "/clubs": () => import("./pages/clubs-page"),
  "/club": () => import("./pages/club-page"),
  "/calendar": () => import("./pages/calendar-page"),
  "/stats": () => import("./pages/stats-page"),
  "/reviews": () => import("./pages/reviews-page"),
  "/settings": () => import("./pages/settings-page"),
  "/admin": () => import("./pages/admin-page"),
};

/** Starts loading the chunk of the page at `path` (the browser caches the module; lazy() then finds it). */
export function preloadRoute(path: string): void {
  const match = Object.entries(loaders).find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  if (/^\/notes\/(?!import)/.test(path)) void loaders["/note"]().catch(() => {});
  if (/^\/books\/[^/]+\/highlights/.test(path)) void loaders["/highlights"]().catch(() => {});
  if (/^\/articles\/./.test(path)) void loaders["/article"]().catch(() => {});
  if (/^\/clubs\/(?!join)./.test(path)) void loaders["/club"]().catch(() => {});
  void match?.[1]().catch(() => {
    // A failed preload is retried by lazy() when the page renders, which shows its error.
  });
}
