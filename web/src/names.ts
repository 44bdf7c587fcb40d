// The district's orgs and the categories, loaded once after log-in: for the selects of the forms
// and the names of categories. Responses carry the other names beside their ids.
import { all, api, must, type S } from "./api/client";
import { currentLang } from "./i18n";
import { useEffect, useState } from "preact/hooks";

const orgs = new Map<string, S["Org"]>();
const categories = new Map<string, S["Category"]>();
const listeners = new Set<() => void>();
let orgsLoaded: Promise<void> | null = null;
let catsLoaded: Promise<void> | null = null;

const changed = () => listeners.forEach((f) => f());

/** useNames re-renders the caller when a looked-up name arrives. */
export function useNames() {
  const [, set] = useState(0);
  useEffect(() => {
    const f = () => set((n) => n + 1);
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
}

export function reset() {
  orgs.clear();
  orgsLoaded = null;
}

export function loadOrgs(): Promise<void> {
  orgsLoaded ??= all((cursor) => api.GET("/api/v1/orgs", { params: { query: { limit: 100, cursor } } }))
    .then((items) => {
      items.forEach((o) => o.id && orgs.set(o.id, o));
      changed();
    })
    .catch(() => {
      orgsLoaded = null;
    });
  return orgsLoaded;
}

export function loadCategories(): Promise<void> {
  catsLoaded ??= must(api.GET("/api/v1/categories"))
    .then((r) => {
      (r.items ?? []).forEach((c) => c.code && categories.set(c.code, c));
      changed();
    })
    .catch(() => {
      catsLoaded = null;
    });
  return catsLoaded;
}

export const orgList = () => [...orgs.values()];
export const categoryList = () => [...categories.values()];
export const org = (id?: string) => (id ? orgs.get(id) : undefined);

const short = (id?: string) => (id ? "#" + id.slice(-6) : "—");

export function orgName(id?: string, given?: string): string {
  return given || (id && orgs.get(id)?.name) || short(id);
}

export function catName(code?: string, given?: string): string {
  if (!code) return "—";
  const c = categories.get(code);
  if (!c) return given || code;
  return (currentLang() === "en" ? c.name_en : c.name_zh) || code;
}
