// Path routing under /console/: the Go server answers every page path with index.html, so a
// deep link (/console/offers/ID) opens that page.
import { useEffect, useState } from "preact/hooks";

const BASE = "/console/";
const listeners = new Set<() => void>();

export function path(): string {
  const p = location.pathname;
  return p.startsWith(BASE) ? p.slice(BASE.length).replace(/\/+$/, "") : "";
}

export function navigate(to: string, replace = false) {
  const url = BASE + to.replace(/^\/+/, "");
  if (url !== location.pathname + location.search) {
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }
  listeners.forEach((f) => f());
  window.scrollTo(0, 0);
}

window.addEventListener("popstate", () => listeners.forEach((f) => f()));

export function useRoute(): string[] {
  const [p, set] = useState(path());
  useEffect(() => {
    const f = () => set(path());
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return p ? p.split("/") : [];
}

export const href = (to: string) => BASE + to.replace(/^\/+/, "");

/** onLink makes a plain click on an in-app link navigate without reloading. */
export function onLink(e: MouseEvent) {
  const a = (e.currentTarget as HTMLAnchorElement) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute("href")!.slice(BASE.length));
}
