import { useQueryClient } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useEffect, useRef } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { api } from "./api/client";
import { Loading } from "./components/states";
import { useLiveUpdates } from "./lib/live-updates";
import { RequireSession, useMe } from "./lib/session";
import { SignInPage } from "./pages/sign-in-page";
import { SignUpPage } from "./pages/sign-up-page";
import { TodayPage } from "./pages/today-page";

// The first page (Today, or sign-in) is in the entry chunk; every other page loads when first opened, or at
// once when the app starts on it (preloadRoute), in parallel with the session check.
const loaders = {
  "/onboarding": () => import("./pages/onboarding-page"),
  "/library/import": () => import("./pages/import-page"),
  "/library": () => import("./pages/library-page"),
  "/books": () => import("./pages/book-page"),
  "/calendar": () => import("./pages/calendar-page"),
  "/stats": () => import("./pages/stats-page"),
  "/reviews": () => import("./pages/reviews-page"),
  "/notes": () => import("./pages/notes-page"),
  "/settings": () => import("./pages/settings-page"),
  "/admin": () => import("./pages/admin-page"),
  "/articles": () => import("./pages/articles-page"),
  "/clubs": () => import("./pages/clubs-page"),
  "/club": () => import("./pages/club-page"),
};

/** Starts loading the chunk of the page at `path` (the browser caches the module; lazy() then finds it). */
export function preloadRoute(path: string): void {
  const match = Object.entries(loaders).find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  void match?.[1]().catch(() => {
    // A failed preload is retried by lazy() when the page renders, which shows its error.
  });
}

const OnboardingPage = lazy(() => loaders["/onboarding"]().then((m) => ({ default: m.OnboardingPage })));
const LibraryPage = lazy(() => loaders["/library"]().then((m) => ({ default: m.LibraryPage })));
const ImportPage = lazy(() => loaders["/library/import"]().then((m) => ({ default: m.ImportPage })));
const BookPage = lazy(() => loaders["/books"]().then((m) => ({ default: m.BookPage })));
const CalendarPage = lazy(() => loaders["/calendar"]().then((m) => ({ default: m.CalendarPage })));
const StatsPage = lazy(() => loaders["/stats"]().then((m) => ({ default: m.StatsPage })));
const NotesPage = lazy(() => loaders["/notes"]().then((m) => ({ default: m.NotesPage })));
const ReviewsPage = lazy(() => loaders["/reviews"]().then((m) => ({ default: m.ReviewsPage })));
const SettingsPage = lazy(() => loaders["/settings"]().then((m) => ({ default: m.SettingsPage })));
const ArticlesPage = lazy(() => loaders["/articles"]().then((m) => ({ default: m.ArticlesPage })));
const ArticlePage = lazy(() => import("./pages/article-page").then((m) => ({ default: m.ArticlePage })));
const ClubsPage = lazy(() => loaders["/clubs"]().then((m) => ({ default: m.ClubsPage })));
const ClubPage = lazy(() => loaders["/club"]().then((m) => ({ default: m.ClubPage })));
const AdminPage = lazy(() => loaders["/admin"]().then((m) => ({ default: m.AdminPage })));

const NAV = [
  { href: "/", label: "Today" },
  { href: "/library", label: "Library" },
  { href: "/articles", label: "Articles" },
  { href: "/calendar", label: "Calendar" },
  { href: "/stats", label: "Stats" },
  { href: "/notes", label: "Notes" },
  { href: "/reviews", label: "Reviews" },
  { href: "/clubs", label: "Clubs" },
  { href: "/settings", label: "Settings" },
];

function isCurrent(location: string, href: string): boolean {
  return href === "/" ? location === "/" : location === href || location.startsWith(`${href}/`);
}

function SignOutButton() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const signOut = async () => {
    await api.POST("/api/auth/logout");
    queryClient.clear();
    sessionStorage.clear();
    navigate("/sign-in?signedOut=1", { replace: true });
  };
  return (
    <button type="button" className="button ghost" onClick={signOut}>
      Sign out
    </button>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const me = useMe();
  useLiveUpdates();
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  // A new page moves focus to its content, so keyboard and screen-reader users start there.
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation (location is the trigger)
  useEffect(() => {
    // On a phone the menu scrolls sideways: keep the current page's entry in view.
    document
      .querySelector('.topbar nav [aria-current="page"]')
      ?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [location]);
  const nav = me.role === "admin" ? [...NAV, { href: "/admin", label: "Admin" }] : NAV;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <img src="/icon.svg" alt="" width="28" height="28" /> Readlog
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={isCurrent(location, n.href) ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <SignOutButton />
      </header>
      <main className="page" id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading />}>{children}</Suspense>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link href="/">Go to Today</Link>.
      </p>
    </section>
  );
}

export function App() {
  return (
    <Switch>
      <Route path="/sign-in" component={SignInPage} />
      <Route path="/sign-up" component={SignUpPage} />
      <Route>
        <RequireSession>
          <Shell>
            <Switch>
              <Route path="/" component={TodayPage} />
              <Route path="/onboarding" component={OnboardingPage} />
              <Route path="/library" component={LibraryPage} />
              <Route path="/library/import" component={ImportPage} />
              <Route path="/books/:id" component={BookPage} />
              <Route path="/clubs" component={ClubsPage} />
              <Route path="/clubs/:id" component={ClubPage} />
              <Route path="/calendar" component={CalendarPage} />
              <Route path="/stats" component={StatsPage} />
              <Route path="/notes" component={NotesPage} />
              <Route path="/notes/:id" component={NotesPage} />
              <Route path="/reviews" component={ReviewsPage} />
              <Route path="/settings" component={SettingsPage} />
              <Route path="/articles" component={ArticlesPage} />
              <Route path="/articles/:id" component={ArticlePage} />
              <Route path="/admin" component={AdminPage} />
              <Route component={NotFound} />
            </Switch>
          </Shell>
        </RequireSession>
      </Route>
    </Switch>
  );
}
