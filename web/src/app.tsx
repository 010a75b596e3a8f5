import { useQueryClient } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useEffect, useRef } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { api } from "./api/client";
import { Loading } from "./components/states";
import { useLiveUpdates } from "./lib/live-updates";
import { forgetOfflineNotes } from "./lib/offline-store";
import { RequireSession, useMe } from "./lib/session";
import { SignInPage } from "./pages/sign-in-page";
import { SignUpPage } from "./pages/sign-up-page";
import { TodayPage } from "./pages/today-page";
import { loaders } from "./routes";

const OnboardingPage = lazy(() => loaders["/onboarding"]().then((m) => ({ default: m.OnboardingPage })));
const LibraryPage = lazy(() => loaders["/library"]().then((m) => ({ default: m.LibraryPage })));
const ImportPage = lazy(() => loaders["/library/import"]().then((m) => ({ default: m.ImportPage })));
const BookPage = lazy(() => loaders["/books"]().then((m) => ({ default: m.BookPage })));
const NotesPage = lazy(() => loaders["/notes"]().then((m) => ({ default: m.NotesPage })));
const NotePage = lazy(() => loaders["/note"]().then((m) => ({ default: m.NotePage })));
const HighlightsPage = lazy(() => loaders["/highlights"]().then((m) => ({ default: m.HighlightsPage })));
const HighlightsImportPage = lazy(() =>
  loaders["/notes/import"]().then((m) => ({ default: m.HighlightsImportPage })),
);
const ArticlesPage = lazy(() => loaders["/articles"]().then((m) => ({ default: m.ArticlesPage })));
const ReaderPage = lazy(() => loaders["/article"]().then((m) => ({ default: m.ReaderPage })));
const ClubsPage = lazy(() => loaders["/clubs"]().then((m) => ({ default: m.ClubsPage })));
const JoinClubPage = lazy(() => loaders["/clubs"]().then((m) => ({ default: m.JoinClubPage })));
const ClubPage = lazy(() => loaders["/club"]().then((m) => ({ default: m.ClubPage })));
const CalendarPage = lazy(() => loaders["/calendar"]().then((m) => ({ default: m.CalendarPage })));
const StatsPage = lazy(() => loaders["/stats"]().then((m) => ({ default: m.StatsPage })));
const ReviewsPage = lazy(() => loaders["/reviews"]().then((m) => ({ default: m.ReviewsPage })));
const SettingsPage = lazy(() => loaders["/settings"]().then((m) => ({ default: m.SettingsPage })));
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
    // Notes kept for offline editing go too: the next person at this browser finds none of them.
    await forgetOfflineNotes();
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
              <Route path="/books/:id/highlights" component={HighlightsPage} />
              <Route path="/notes" component={NotesPage} />
              <Route path="/notes/import" component={HighlightsImportPage} />
              <Route path="/notes/:id" component={NotePage} />
              <Route path="/articles" component={ArticlesPage} />
              <Route path="/articles/:id" component={ReaderPage} />
              <Route path="/clubs" component={ClubsPage} />
              <Route path="/clubs/join" component={JoinClubPage} />
              <Route path="/clubs/:id" component={ClubPage} />
              <Route path="/calendar" component={CalendarPage} />
              <Route path="/stats" component={StatsPage} />
              <Route path="/reviews" component={ReviewsPage} />
              <Route path="/settings" component={SettingsPage} />
              <Route path="/admin" component={AdminPage} />
              <Route component={NotFound} />
            </Switch>
          </Shell>
        </RequireSession>
      </Route>
    </Switch>
  );
}
