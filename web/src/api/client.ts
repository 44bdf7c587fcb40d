// The console's only way to the server: openapi-fetch typed from docs/openapi.json, so a change
// of the contract breaks the build. A middleware adds the bearer token and Accept-Language,
// refreshes the access token once on a 401 and retries the request.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { session } from "../session";
import { currentLang } from "../i18n";

export type S = components["schemas"];
export type Problem = S["Problem"];

// List filters such as status take a comma-separated set (status=pending,approved).
export const api = createClient<paths>({ baseUrl: "", querySerializer: { array: { style: "form", explode: false } } });

const originals = new WeakMap<Request, Request>();
const open = ["/auth/login", "/auth/refresh"];

const auth: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept-Language", currentLang() === "en" ? "en" : "zh-CN");
    const tok = session.accessToken();
    if (tok && !open.some((p) => request.url.endsWith("/api/v1" + p))) {
      request.headers.set("Authorization", "Bearer " + tok);
    }
    originals.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || open.some((p) => request.url.endsWith("/api/v1" + p))) {
      return response;
    }
    const copy = originals.get(request);
    if (!copy || !(await session.refresh())) {
      session.expire();
      return response;
    }
    const retry = new Request(copy);
    retry.headers.set("Authorization", "Bearer " + session.accessToken());
    return fetch(retry);
  },
};
api.use(auth);

/** ApiError is a refused request with its RFC 9457 problem. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public problem: Problem,
  ) {
    super(problem.detail || problem.title || String(status));
  }
  /** fieldErrors maps each field named in errors[] to its localised message. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      if (e.field && !out[e.field]) out[e.field] = e.message || e.code || "";
    }
    return out;
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** must unwraps an openapi-fetch result, throwing an ApiError for a problem. */
export async function must<T>(p: Promise<Result<T>>): Promise<T> {
  let r: Result<T>;
  try {
    r = await p;
  } catch {
    throw new ApiError(0, { title: "network", detail: "" } as Problem);
  }
  if (r.response.ok) return r.data as T;
  const prob = (r.error && typeof r.error === "object" ? r.error : {}) as Problem;
  throw new ApiError(r.response.status, { ...prob, status: prob.status ?? r.response.status });
}

/** all reads every page of a list (limit 100), up to max items. */
export async function all<T>(
  page: (cursor?: string) => Promise<Result<{ items?: T[]; next_cursor?: string | null }>>,
  max = 2000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const r = await must(page(cursor));
    out.push(...(r.items ?? []));
    cursor = r.next_cursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}
