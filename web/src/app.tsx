// The application shell: the banner with the user and the language switch, the navigation each
// role may use, and the page of the current path.
import { useEffect, useState } from "preact/hooks";
import { currentLang, onLang, setLang, t, type Key } from "./i18n";
import { session } from "./session";
import { href, navigate, onLink, useRoute } from "./router";
import { can, loadUser, type Role, type User } from "./user";
import { loadCategories, loadOrgs, reset } from "./names";
import { describe, Loading } from "./components/ui";
import { Login } from "./pages/login";
import { Inbox } from "./pages/inbox";
import { Claims } from "./pages/claims";
import { Listings } from "./pages/listings";
import { ListingPage } from "./pages/listing";
import { Agreements } from "./pages/agreements";
import { Matching } from "./pages/matching";
import { Stats } from "./pages/stats";
import { OrgsUsers } from "./pages/orgs";
import { Apps } from "./pages/apps";

const roleKey: Record<Role, Key> = {
  admin: "role.admin",
  coordinator: "role.coordinator",
  community_staff: "role.community_staff",
  liaison: "role.liaison",
};

type NavItem = { path: string; label: Key; show: (u: User) => boolean };
const nav: NavItem[] = [
  { path: "inbox", label: "nav.inbox", show: can.decide },
  { path: "claims", label: "nav.claims", show: () => true },
  { path: "offers", label: "nav.offers", show: () => true },
  { path: "needs", label: "nav.needs", show: () => true },
  { path: "agreements", label: "nav.agreements", show: () => true },
  { path: "matching", label: "nav.matching", show: can.match },
  { path: "stats", label: "nav.stats", show: () => true },
  { path: "orgs", label: "nav.orgs", show: can.admin },
  { path: "apps", label: "nav.apps", show: can.admin },
];

export function App() {
  const [, rerender] = useState(0);
  const [user, setUser] = useState<User | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [flash, setFlash] = useState("");
  const route = useRoute();

  useEffect(() => onLang(() => rerender((n) => n + 1)), []);
  useEffect(
    () =>
      session.on((why) => {
        if (why === "login") return;
        setUser(null);
        reset();
        setFlash(why === "expired" ? t("login.expired") : "");
      }),
    [],
  );
  const start = () => {
    setLoadError(null);
    loadUser().then(
      (u) => {
        setUser(u);
        void loadOrgs();
        void loadCategories();
      },
      (e) => setLoadError(e),
    );
  };
  useEffect(() => {
    if (session.loggedIn()) start();
  }, []);
  useEffect(() => {
    document.title = t("app.title");
  });

  const loggedIn = session.loggedIn();
  const items = user ? nav.filter((n) => n.show(user)) : [];
  const current = route[0] ?? "";
  useEffect(() => {
    if (user && !items.some((n) => n.path === current)) navigate(items[0].path, true);
  }, [user, current]);

  const lang = currentLang();
  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="banner">
        <span class="brand">{t("app.title")}</span>
        {user && (
          <span class="who">
            <span class="who-name">{user.me.display_name || user.me.username}</span>
            <span class="who-role">{t(roleKey[user.role])}</span>
          </span>
        )}
        <span class="banner-actions">
          <button type="button" lang={lang === "zh" ? "en" : "zh-CN"} onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
            {lang === "zh" ? "English" : "中文"}
          </button>
          {loggedIn && (
            <button type="button" onClick={() => void session.logout()}>
              {t("app.logout")}
            </button>
          )}
        </span>
      </header>
      {user && (
        <nav class="nav" aria-label={t("app.nav")}>
          <ul>
            {items.map((n) => (
              <li key={n.path}>
                <a href={href(n.path)} onClick={onLink} aria-current={current === n.path ? "page" : undefined}>
                  {t(n.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {!loggedIn && (
          <Login
            flash={flash}
            onLogin={() => {
              setFlash("");
              start();
            }}
          />
        )}
        {loggedIn && !user && !loadError && <Loading />}
        {loggedIn && loadError !== null && (
          <div class="alert" role="alert">
            {describe(loadError)}
          </div>
        )}
        {user && items.some((n) => n.path === current) && <Page user={user} route={route} />}
      </main>
    </>
  );
}

function Page({ user, route }: { user: User; route: string[] }) {
  const [name, id] = route;
  switch (name) {
    case "inbox":
      return <Inbox user={user} />;
    case "claims":
      return <Claims user={user} />;
    case "offers":
    case "needs": {
      const side = name === "offers" ? "offer" : "need";
      return id ? <ListingPage key={id} user={user} side={side} id={id} /> : <Listings key={side} user={user} side={side} />;
    }
    case "agreements":
      return <Agreements user={user} />;
    case "matching":
      return <Matching user={user} />;
    case "stats":
      return <Stats user={user} />;
    case "orgs":
      return <OrgsUsers user={user} />;
    case "apps":
      return <Apps user={user} />;
  }
  return null;
}
