// A listing's page: its details, availability per occurrence, its claims, and for a need the
// suggested offers with 认领.
import { useState } from "preact/hooks";
import { all, api, must, type S } from "../api/client";
import { t, type Key } from "../i18n";
import { catName, orgName, useNames } from "../names";
import { dateTime, number, percent, windowInWords } from "../format";
import { ErrorBox, Empty, Loading, Notice, TableWrap, describe, useAsync } from "../components/ui";
import { href, onLink } from "../router";
import { claimant, owner } from "./claimrow";
import { statusKey } from "./claims";
import { can, type User } from "../user";

export function ListingPage({ user, side, id }: { user: User; side: "offer" | "need"; id: string }) {
  useNames();
  const q = useAsync(async () => {
    const l =
      side === "offer"
        ? await must(api.GET("/api/v1/offers/{id}", { params: { path: { id } } }))
        : await must(api.GET("/api/v1/needs/{id}", { params: { path: { id } } }));
    return l;
  }, [id]);
  const l = q.data;
  return (
    <section aria-labelledby="l-h">
      <p>
        <a href={href(side === "offer" ? "offers" : "needs")} onClick={onLink}>
          ← {t(side === "offer" ? "nav.offers" : "nav.needs")}
        </a>
      </p>
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {l && (
        <>
          <h1 id="l-h">{l.title}</h1>
          <dl class="facts">
            <dt>{t("listing.category")}</dt>
            <dd>{catName(l.category)}</dd>
            <dt>{t("listing.owner")}</dt>
            <dd>{l.org_name || orgName(l.org_id)}</dd>
            <dt>{t("listing.quantity")}</dt>
            <dd>{l.quantity}</dd>
            <dt>{t("claim.window")}</dt>
            <dd>{(l.windows ?? []).map((w) => windowInWords(w, true)).join("；")}</dd>
            <dt>{t("listing.address")}</dt>
            <dd>{l.location?.address || "—"}</dd>
            <dt>{t("listing.visibility")}</dt>
            <dd>{t(l.visibility === "street" ? "visibility.street" : "visibility.public")}</dd>
            <dt>{t("listing.until")}</dt>
            <dd>{l.valid_until ? dateTime(l.valid_until) : "—"}</dd>
            <dt>{t("common.status")}</dt>
            <dd>{t(("listingStatus." + l.status) as Key)}</dd>
          </dl>
          {l.description && <p>{l.description}</p>}
          <Availability side={side} id={id} />
          <ListingClaims id={id} />
          {side === "need" && <Suggestions user={user} need={l} />}
        </>
      )}
    </section>
  );
}

function Availability({ side, id }: { side: "offer" | "need"; id: string }) {
  const from = new Date();
  const to = new Date(from.getTime() + 14 * 86_400_000);
  const query = { from: from.toISOString().replace(/\.\d+Z$/, "Z"), to: to.toISOString().replace(/\.\d+Z$/, "Z") };
  const q = useAsync(
    () =>
      side === "offer"
        ? must(api.GET("/api/v1/offers/{id}/availability", { params: { path: { id }, query } }))
        : must(api.GET("/api/v1/needs/{id}/availability", { params: { path: { id }, query } })),
    [id],
  );
  const items = q.data?.items ?? [];
  return (
    <section aria-labelledby="av-h">
      <h2 id="av-h">{t("listing.availability")}</h2>
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && !q.error && items.length === 0 && <Empty>{t("listing.noOccurrences")}</Empty>}
      {items.length > 0 && (
        <TableWrap label={t("listing.availability")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("listing.occurrence")}</th>
                <th scope="col">{t("listing.quantity")}</th>
                <th scope="col">{t("listing.held")}</th>
                <th scope="col">{t("listing.remaining")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr>
                  <td>{windowInWords({ start: a.start, end: a.end })}</td>
                  <td class="num">{a.quantity}</td>
                  <td class="num">{a.held}</td>
                  <td class="num">{a.remaining}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function ListingClaims({ id }: { id: string }) {
  const q = useAsync(() => all((cursor) => api.GET("/api/v1/claims", { params: { query: { listing_id: id, limit: 100, cursor } } }), 300), [id]);
  const items = q.data ?? [];
  return (
    <section aria-labelledby="lc-h">
      <h2 id="lc-h">{t("listing.claims")}</h2>
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && !q.error && items.length === 0 && <Empty>{t("claims.empty")}</Empty>}
      {items.length > 0 && (
        <TableWrap label={t("listing.claims")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("claim.claimant")}</th>
                <th scope="col">{t("claim.owner")}</th>
                <th scope="col">{t("claim.quantity")}</th>
                <th scope="col">{t("claim.window")}</th>
                <th scope="col">{t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr>
                  <td>{claimant(c)}</td>
                  <td>{owner(c)}</td>
                  <td class="num">{c.quantity}</td>
                  <td>{windowInWords(c.window, true)}</td>
                  <td>{t(statusKey(c.status))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function Suggestions({ user, need }: { user: User; need: S["Listing"] }) {
  const q = useAsync(() => must(api.GET("/api/v1/needs/{id}/suggestions", { params: { path: { id: need.id! }, query: { limit: 10 } } })), [need.id]);
  const [notice, setNotice] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [claimed, setClaimed] = useState<Set<string>>(new Set());
  // The need's org claims the offer for the need's first window.
  const mayClaim = can.party(user) && need.org_id === user.me.org_id;
  const claim = async (s: S["Suggestion"]) => {
    const offer = s.listing!;
    try {
      await must(
        api.POST("/api/v1/claims", {
          body: {
            listing_id: offer.id,
            quantity: s.quantity,
            window: (need.windows ?? [])[0],
            counterpart_listing_id: need.id,
            agreement_id: s.reasons?.agreement_id || undefined,
          },
        }),
      );
      setClaimed((c) => new Set(c).add(offer.id!));
      setNotice(t("listing.claimedOk", { title: offer.title ?? "" }));
    } catch (err) {
      setErrors((e) => ({ ...e, [offer.id!]: describe(err) }));
    }
  };
  const items = q.data?.items ?? [];
  return (
    <section aria-labelledby="sg-h">
      <h2 id="sg-h">{t("listing.suggestions")}</h2>
      <Notice text={notice} />
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && !q.error && items.length === 0 && <Empty>{t("listing.noSuggestions")}</Empty>}
      {items.length > 0 && (
        <TableWrap label={t("listing.suggestions")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("listing.offer")}</th>
                <th scope="col">{t("listing.owner")}</th>
                <th scope="col">{t("claim.quantity")}</th>
                <th scope="col">{t("matching.score")}</th>
                <th scope="col">{t("matching.reasons")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr>
                  <td>
                    <a href={href("offers/" + s.listing?.id)} onClick={onLink}>
                      {s.listing?.title}
                    </a>
                    {errors[s.listing?.id ?? ""] && (
                      <p class="field-error" role="alert">
                        {errors[s.listing?.id ?? ""]}
                      </p>
                    )}
                  </td>
                  <td>{s.listing?.org_name || orgName(s.listing?.org_id)}</td>
                  <td class="num">{s.quantity}</td>
                  <td class="num">{number(s.score, 2)}</td>
                  <td>{reasonsText(s.reasons)}</td>
                  <td>
                    {mayClaim &&
                      (claimed.has(s.listing?.id ?? "") ? (
                        <span>{t("listing.claimedShort")}</span>
                      ) : (
                        <button type="button" class="primary" onClick={() => claim(s)}>
                          {t("listing.claim")}
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

/** reasonsText is the score's reasons in words. */
export function reasonsText(r?: S["SuggestionReasons"]): string {
  if (!r) return "—";
  const out = [
    t("reason.distance", { km: number(r.distance_km, 1) }),
    t("reason.overlap", { p: percent(r.time_overlap) }),
    t("reason.capacity", { p: percent(r.capacity_fit) }),
    t(r.category_exact ? "reason.sameCategory" : "reason.related"),
  ];
  if (r.agreement_id) out.push(t("reason.agreement"));
  return out.join(" · ");
}
