import { useQueryClient } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useEffect, useRef } from "react";
import { Link, Route, Switch, useLocation } from "wouter";
import { api } from "./api/client";
import { Loading } from "./components/states";
import { RequireSession, useMe } from "./lib/session";
import { SignInPage } from "./pages/sign-in-page";
import { SignUpPage } from "./pages/sign-up-page";
import { TodayPage } from "./pages/today-page";

// The first page (Today, or sign-in) is in the entry chunk; every other page loads when first opened.
const OnboardingPage = lazy(() =>
  import("./pages/onboarding-page").then((m) => ({ default: m.OnboardingPage })),
);
const LibraryPage = lazy(() => import("./pages/library-page").then((m) => ({ default: m.LibraryPage })));
const ImportPage = lazy(() => import("./pages/import-page").then((m) => ({ default: m.ImportPage })));
const BookPage = lazy(() => import("./pages/book-page").then((m) => ({ default: m.BookPage })));
const CalendarPage = lazy(() => import("./pages/calendar-page").then((m) => ({ default: m.CalendarPage })));
const StatsPage = lazy(() => import("./pages/stats-page").then((m) => ({ default: m.StatsPage })));
const ReviewsPage = lazy(() => import("./pages/reviews-page").then((m) => ({ default: m.ReviewsPage })));
const SettingsPage = lazy(() => import("./pages/settings-page").then((m) => ({ default: m.SettingsPage })));
const AdminPage = lazy(() => import("./pages/admin-page").then((m) => ({ default: m.AdminPage })));

const NAV = [
  { href: "/", label: "Today" },
  { href: "/library", label: "Library" },
  { href: "/calendar", label: "Calendar" },
  { href: "/stats", label: "Stats" },
  { href: "/reviews", label: "Reviews" },
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
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  // A new page moves focus to its content, so keyboard and screen-reader users start there.
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation (location is the trigger)
  useEffect(() => {
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
