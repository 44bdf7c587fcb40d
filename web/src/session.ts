// The log-in session: tokens kept in sessionStorage (one browser tab, gone when it closes),
// refreshed silently before the access token expires and whenever the server answers 401.
// A refresh that fails ends the session, and the app returns to log-in.

type Tokens = { access: string; refresh: string; expiresAt: number };

const KEY = "gongjian.session";
let tokens: Tokens | null = load();
let inflight: Promise<boolean> | null = null;
let timer: number | undefined;
const listeners = new Set<(reason: "login" | "logout" | "expired") => void>();

function load(): Tokens | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

function store(t: Tokens | null) {
  tokens = t;
  window.clearTimeout(timer);
  if (t) {
    sessionStorage.setItem(KEY, JSON.stringify(t));
    // Refresh a minute before expiry (or halfway through a short lifetime).
    const left = t.expiresAt - Date.now();
    const wait = Math.max(5_000, Math.min(left - 60_000, left / 2));
    timer = window.setTimeout(() => void session.refresh(), wait);
  } else {
    sessionStorage.removeItem(KEY);
  }
}

type TokenResponse = { access_token?: string; refresh_token?: string; expires_in?: number };

function fromResponse(r: TokenResponse): Tokens {
  return {
    access: r.access_token ?? "",
    refresh: r.refresh_token ?? "",
    expiresAt: Date.now() + (r.expires_in ?? 900) * 1000,
  };
}

export const session = {
  accessToken: () => tokens?.access ?? "",
  loggedIn: () => tokens !== null,
  start(r: TokenResponse) {
    store(fromResponse(r));
    listeners.forEach((f) => f("login"));
  },
  /** refresh trades the refresh token for new tokens; concurrent callers share one request. */
  refresh(): Promise<boolean> {
    if (!tokens) return Promise.resolve(false);
    if (inflight) return inflight;
    const spent = tokens.refresh;
    inflight = fetch("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: spent }),
    })
      .then(async (res) => {
        if (!res.ok) return false;
        store(fromResponse(await res.json()));
        return true;
      })
      .catch(() => false)
      .finally(() => {
        inflight = null;
      });
    return inflight;
  },
  async logout() {
    const t = tokens;
    store(null);
    listeners.forEach((f) => f("logout"));
    if (t) {
      await fetch("/api/v1/auth/logout", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + t.access },
        body: JSON.stringify({ refresh_token: t.refresh }),
      }).catch(() => undefined);
    }
  },
  expire() {
    if (!tokens) return;
    store(null);
    listeners.forEach((f) => f("expired"));
  },
  on(f: (reason: "login" | "logout" | "expired") => void) {
    listeners.add(f);
    return () => listeners.delete(f);
  },
};

if (tokens) store(tokens);
