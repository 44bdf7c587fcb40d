// The signed-in user and their org, read once after log-in.
import { api, must, type S } from "./api/client";

export type Role = "admin" | "coordinator" | "community_staff" | "liaison";
export type User = { me: S["Me"]; org?: S["Org"]; role: Role };

export async function loadUser(): Promise<User> {
  const me = await must(api.GET("/api/v1/me"));
  let org: S["Org"] | undefined;
  if (me.org_id) {
    const r = await api.GET("/api/v1/orgs/{id}", { params: { path: { id: me.org_id } } });
    org = r.data;
  }
  return { me, org, role: (me.role ?? "liaison") as Role };
}

/** What each role may use (API.md §9): a liaison has no inbox and no matching. */
export const can = {
  decide: (u: User) => u.role === "admin" || u.role === "coordinator",
  match: (u: User) => u.role === "admin" || u.role === "coordinator",
  admin: (u: User) => u.role === "admin",
  /** act as a party of claims: cancel, confirm, give feedback. */
  party: (u: User) => u.role === "community_staff" || u.role === "liaison",
};

/** streetOf is the street the user works in ("" for admins, who see every street). */
export const streetOf = (u: User) => (u.role === "admin" ? "" : (u.org?.street_id ?? ""));
