// Names beside ids. Responses carry names (owner_org_name, listing_title, ...) where the server
// provides them; for ids without one the console looks the org or listing up once and caches it.
import { all, api, must, type S } from "./api/client";
import { currentLang } from "./i18n";
import { useEffect, useState } from "preact/hooks";

const orgs = new Map<string, S["Org"]>();
const listings = new Map<string, S["Listing"]>();
const categories = new Map<string, S["Category"]>();
const pending = new Set<string>();
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
  listings.clear();
  pending.clear();
  orgsLoaded = null;
}

export function loadOrgs(): Promise<void> {
  orgsLoaded ??= all((cursor) => api.GET("/orgs", { params: { query: { limit: 100, cursor } } }))
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
  catsLoaded ??= must(api.GET("/categories"))
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

/** name reads a sibling name field the server may send (e.g. "owner_org_name"). */
export function field(obj: unknown, key: string): string | undefined {
  const v = (obj as Record<string, unknown> | null)?.[key];
  return typeof v === "string" && v ? v : undefined;
}

export function orgName(id?: string, given?: string): string {
  return given || (id && orgs.get(id)?.name) || short(id);
}

export function catName(code?: string, given?: string): string {
  if (!code) return "—";
  const c = categories.get(code);
  if (!c) return given || code;
  return (currentLang() === "en" ? c.name_en : c.name_zh) || code;
}

export function rememberListing(l: S["Listing"]) {
  if (l.id) listings.set(l.id, l);
}

export function listing(id?: string) {
  return id ? listings.get(id) : undefined;
}

export function listingTitle(id?: string, given?: string): string {
  return given || (id && listings.get(id)?.title) || short(id);
}

/** want looks up listings not known yet (at most a few requests at a time). */
export async function want(refs: { id?: string; side?: string }[]) {
  const todo = refs.filter((r) => r.id && !listings.has(r.id) && !pending.has(r.id));
  const seen = new Set<string>();
  const queue = todo.filter((r) => !seen.has(r.id!) && seen.add(r.id!));
  queue.forEach((r) => pending.add(r.id!));
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) {
      const id = r.id!;
      const res =
        r.side === "need"
          ? await api.GET("/needs/{id}", { params: { path: { id } } })
          : await api.GET("/offers/{id}", { params: { path: { id } } });
      if (res.data) rememberListing(res.data);
      pending.delete(id);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  if (todo.length) changed();
}
