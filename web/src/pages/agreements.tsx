// 共建协议: agreements with their parties, categories, period and signatures; 签署 where the
// user's org is a party that has not signed yet.
import { useState } from "preact/hooks";
import { all, api, must, type S } from "../api/client";
import { t, type Key } from "../i18n";
import { catName, orgName, useNames } from "../names";
import { dateTime } from "../format";
import { ErrorBox, Empty, Loading, Notice, TableWrap, describe, useAsync, useConfirm } from "../components/ui";
import type { User } from "../user";

export function Agreements({ user }: { user: User }) {
  useNames();
  const q = useAsync(() => all((cursor) => api.GET("/api/v1/agreements", { params: { query: { limit: 100, cursor } } }), 500), []);
  const [notice, setNotice] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dialog, ask] = useConfirm();
  const me = user.me.org_id;
  const mayCreateOrSign = user.role !== "admin";
  const maySign = (a: S["Agreement"]) =>
    mayCreateOrSign &&
    a.status === "pending_signatures" &&
    (a.party_a_org_id === me || a.party_b_org_id === me) &&
    !(a.signatures ?? []).some((s) => s.org_id === me);

  const sign = async (a: S["Agreement"]) => {
    const ok = await ask({ title: t("agreements.signTitle"), message: t("agreements.signMsg", { title: a.title ?? "" }), confirm: t("agreements.sign") });
    if (ok === null) return;
    try {
      const got = await must(api.POST("/api/v1/agreements/{id}/sign", { params: { path: { id: a.id! } } }));
      q.set((q.data ?? []).map((x) => (x.id === got.id ? got : x)));
      setNotice(t("agreements.signed", { title: a.title ?? "" }));
    } catch (err) {
      setErrors((e) => ({ ...e, [a.id!]: describe(err) }));
    }
  };

  const rows = q.data ?? [];
  return (
    <section aria-labelledby="ag-h">
      <div class="page-head">
        <h1 id="ag-h">{t("nav.agreements")}</h1>
      </div>
      <Notice text={notice} />
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && !q.error && rows.length === 0 && <Empty>{t("agreements.empty")}</Empty>}
      {rows.length > 0 && (
        <TableWrap label={t("nav.agreements")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("agreements.title")}</th>
                <th scope="col">{t("agreements.parties")}</th>
                <th scope="col">{t("agreements.categories")}</th>
                <th scope="col">{t("agreements.period")}</th>
                <th scope="col">{t("agreements.signatures")}</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.title}
                    {errors[a.id!] && (
                      <p class="field-error" role="alert">
                        {errors[a.id!]}
                      </p>
                    )}
                  </td>
                  <td>
                    {orgName(a.party_a_org_id, a.party_a_org_name)}
                    <br />
                    {orgName(a.party_b_org_id, a.party_b_org_name)}
                  </td>
                  <td>{(a.categories ?? []).map((c) => catName(c)).join("、")}</td>
                  <td>
                    {a.starts_on} – {a.ends_on}
                  </td>
                  <td>
                    {(a.signatures ?? []).length === 0
                      ? t("agreements.unsigned")
                      : (a.signatures ?? []).map((s) => (
                          <div>
                            {orgName(s.org_id, s.org_name)}{s.user_name ? ` (${s.user_name})` : ""} · {dateTime(s.signed_at)}
                          </div>
                        ))}
                  </td>
                  <td>
                    <span class={"badge a-" + a.status}>{t(("agreementStatus." + a.status) as Key)}</span>
                  </td>
                  <td>
                    {maySign(a) && (
                      <button type="button" class="primary" onClick={() => sign(a)}>
                        {t("agreements.sign")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {dialog}
    </section>
  );
}
