// 资源清单 / 需求清单: the org's listings (a coordinator's: the street's) and the form to publish one.
import { useState } from "preact/hooks";
import { all, api, type S } from "../api/client";
import { t, type Key } from "../i18n";
import { catName, orgName, useNames } from "../names";
import { windowInWords } from "../format";
import { ErrorBox, Empty, Loading, Notice, TableWrap, useAsync } from "../components/ui";
import { href, onLink } from "../router";
import { ListingForm } from "./listingform";
import { streetOf, type User } from "../user";

export function Listings({ user, side }: { user: User; side: "offer" | "need" }) {
  useNames();
  const [notice, setNotice] = useState("");
  const street = streetOf(user);
  const scope =
    user.role === "admin" ? {} : user.role === "coordinator" ? { street_id: street || undefined } : { org_id: user.me.org_id };
  const q = useAsync(async () => {
    const items = await all(
      (cursor) =>
        side === "offer"
          ? api.GET("/api/v1/offers", { params: { query: { ...scope, limit: 100, cursor } } })
          : api.GET("/api/v1/needs", { params: { query: { ...scope, limit: 100, cursor } } }),
      500,
    );
    return items.reverse();
  }, [side]);
  const base = side === "offer" ? "offers/" : "needs/";
  const title = t(side === "offer" ? "nav.offers" : "nav.needs");
  const rows = q.data ?? [];
  return (
    <section aria-labelledby="ls-h">
      <div class="page-head">
        <h1 id="ls-h">{title}</h1>
        <a class="button" href="#new-listing">
          {t("listing.new")}
        </a>
      </div>
      <Notice text={notice} />
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && !q.error && rows.length === 0 && <Empty>{t("listing.empty")}</Empty>}
      {rows.length > 0 && (
        <TableWrap label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("listing.title")}</th>
                <th scope="col">{t("listing.category")}</th>
                <th scope="col">{t("listing.owner")}</th>
                <th scope="col">{t("listing.quantity")}</th>
                <th scope="col">{t("claim.window")}</th>
                <th scope="col">{t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l: S["Listing"]) => (
                <tr key={l.id}>
                  <td>
                    <a href={href(base + l.id)} onClick={onLink}>
                      {l.title}
                    </a>
                  </td>
                  <td>{catName(l.category)}</td>
                  <td>{l.org_name || orgName(l.org_id)}</td>
                  <td class="num">{l.quantity}</td>
                  <td>{(l.windows ?? []).map((w) => windowInWords(w, true)).join("；")}</td>
                  <td>
                    <span class={"badge l-" + l.status}>{t(("listingStatus." + l.status) as Key)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <div id="new-listing">
        <ListingForm
          user={user}
          side={side}
          onCreated={(l) => {
                    q.set([l, ...rows]);
            setNotice(t("listing.published", { title: l.title ?? "" }));
          }}
        />
      </div>
    </section>
  );
}
