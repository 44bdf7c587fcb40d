// A small client of the gongjian API, typed from docs/openapi.json by openapi-typescript and
// calling it with openapi-fetch. It compiles under tsc --strict without a single non-null
// assertion: what the document marks required is there, what may be null says so.
import createClient from "openapi-fetch";
import type { components, paths } from "./build/schema";

type Claim = components["schemas"]["Claim"];
type Problem = components["schemas"]["Problem"];

export function connect(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}`, "Accept-Language": "zh-CN" } });
}

export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const client = createClient<paths>({ baseUrl });
  const { data, error } = await client.POST("/api/v1/auth/login", { body: { username, password } });
  if (error) {
    throw new Error(`${error.code}: ${error.detail ?? error.title}`);
  }
  const bearer: "Bearer" = data.token_type;
  return `${data.access_token} (${bearer}, ${data.expires_in}s)`;
}

// One line of a coordinator's inbox: everything comes from one request (names beside ids).
export function inboxLine(c: Claim): string {
  const expires = c.expires_at === null ? "—" : new Date(c.expires_at).toISOString();
  const window = c.window.rrule === undefined ? c.window.start : `${c.window.start} ${c.window.rrule}`;
  return `${c.listing_title} [${c.listing_category}] ${c.claimant_org_name} → ${c.owner_org_name} ×${c.quantity} ${window} (${c.status}, ${expires})`;
}

export async function inbox(client: ReturnType<typeof connect>, streetId: string): Promise<string[]> {
  const lines: string[] = [];
  let cursor: string | null = null;
  do {
    const query: { street_id: string; status: ("pending" | "approved")[]; limit: number; cursor?: string } =
      { street_id: streetId, status: ["pending", "approved"], limit: 100 };
    if (cursor !== null) {
      query.cursor = cursor;
    }
    const { data, error } = await client.GET("/api/v1/claims", { params: { query } });
    if (error) {
      throw new Error(describe(error));
    }
    for (const c of data.items) {
      lines.push(inboxLine(c));
    }
    cursor = data.next_cursor;
  } while (cursor !== null);
  return lines;
}

export function describe(p: Problem): string {
  const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
  const occurrence = p.data?.occurrence;
  const where = occurrence === undefined ? "" : ` at ${occurrence.start}–${occurrence.end} (remaining ${p.data?.remaining ?? 0})`;
  return `${p.status} ${p.code}: ${p.detail ?? p.title}${where}${fields === "" ? "" : ` (${fields})`}`;
}

export async function approve(client: ReturnType<typeof connect>, id: string, etag: string): Promise<Claim> {
  const { data, error, response } = await client.POST("/api/v1/claims/{id}/approve", {
    params: { path: { id } },
    body: { note: "同意" },
  });
  if (error) {
    throw new Error(`${describe(error)} (${response.headers.get("X-Request-Id") ?? "no request id"}, ${etag})`);
  }
  const history = data.history ?? [];
  for (const h of history) {
    const who: string = h.actor_name ?? "system";
    void who;
  }
  return data;
}

export async function runs(client: ReturnType<typeof connect>, streetId: string): Promise<number> {
  const { data, error } = await client.GET("/api/v1/matching/runs", { params: { query: { street_id: streetId } } });
  if (error) {
    throw new Error(describe(error));
  }
  return data.items.reduce((sum, r) => sum + r.stats.matched_quantity, 0);
}
