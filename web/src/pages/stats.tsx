// 统计: the street's figures with two charts (by category; fulfilment) and 导出 CSV, which
// downloads the Accept: text/csv form of the same statistics.
import { useState } from "preact/hooks";
import { api, ApiError, must, type S } from "../api/client";
import { t } from "../i18n";
import { catName, orgList, useNames } from "../names";
import { dayStart, number, percent, today } from "../format";
import { ErrorBox, Field, Loading, Notice, TableWrap, describe, useAsync } from "../components/ui";
import { streetOf, type User } from "../user";

export function Stats({ user }: { user: User }) {
  useNames();
  const [street, setStreet] = useState(streetOf(user));
  const [from, setFrom] = useState(today(-30));
  const [to, setTo] = useState(today(1));
  const [notice, setNotice] = useState("");
  const [csvError, setCsvError] = useState<unknown>(null);
  const query = {
    street_id: user.role === "admin" && street ? street : undefined,
    from: dayStart(from) || undefined,
    to: dayStart(to) || undefined,
  };
  // The JSON form of the summary (the document also lists its text/csv form).
  const q = useAsync(() => must(api.GET("/api/v1/stats/summary", { params: { query } })).then((r) => r as S["StatsSummary"]), [street, from, to]);

  const exportCsv = async () => {
    setCsvError(null);
    const r = await api.GET("/api/v1/stats/summary", { params: { query }, headers: { Accept: "text/csv" }, parseAs: "text" });
    if (!r.response.ok) {
      setCsvError(new ApiError(r.response.status, (r.error ?? {}) as S["Problem"]));
      return;
    }
    const blob = new Blob([r.data as unknown as string], { type: "text/csv;charset=utf-8" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `gongjian-stats-${from}-${to}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setNotice(t("stats.exported", { name: a.download }));
  };

  const s = q.data;
  const rows = (s?.by_category ?? []).filter((c) => (c.offers ?? 0) + (c.needs ?? 0) + (c.claims ?? 0) > 0);
  return (
    <section aria-labelledby="st-h">
      <div class="page-head">
        <h1 id="st-h">{t("nav.stats")}</h1>
        <button type="button" onClick={exportCsv}>
          {t("stats.export")}
        </button>
      </div>
      <div class="filters">
        {user.role === "admin" && (
          <Field label={t("matching.street")}>
            {(id) => (
              <select id={id} value={street} onChange={(e) => setStreet(e.currentTarget.value)}>
                <option value="">{t("stats.allStreets")}</option>
                {orgList()
                  .filter((o) => o.kind === "street")
                  .map((o) => (
                    <option value={o.id}>{o.name}</option>
                  ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t("matching.from")}>
          {(id) => <input id={id} type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
        </Field>
        <Field label={t("matching.to")} hint={t("matching.toHint")}>
          {(id, d) => <input id={id} type="date" aria-describedby={d} value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
        </Field>
      </div>
      <Notice text={notice} />
      {csvError ? <div class="alert" role="alert">{describe(csvError)}</div> : null}
      <ErrorBox error={q.error} />
      {q.loading && !s && <Loading />}
      {s && (
        <>
          <dl class="figures">
            <div>
              <dt>{t("stats.offers")}</dt>
              <dd>{number(s.totals?.offers)}</dd>
            </div>
            <div>
              <dt>{t("stats.needs")}</dt>
              <dd>{number(s.totals?.needs)}</dd>
            </div>
            <div>
              <dt>{t("stats.claims")}</dt>
              <dd>{number(s.totals?.claims)}</dd>
            </div>
            <div>
              <dt>{t("stats.fulfilled")}</dt>
              <dd>{number(s.totals?.fulfilled)}</dd>
            </div>
            <div>
              <dt>{t("stats.rate")}</dt>
              <dd>{percent(s.fulfilment_rate)}</dd>
            </div>
            <div>
              <dt>{t("stats.median")}</dt>
              <dd>{s.median_hours_to_decision == null ? "—" : t("stats.hours", { h: number(s.median_hours_to_decision, 1) })}</dd>
            </div>
            <div>
              <dt>{t("stats.rating")}</dt>
              <dd>{s.average_rating ? number(s.average_rating, 1) : "—"}</dd>
            </div>
          </dl>
          <div class="charts">
            <figure class="card">
              <figcaption>{t("stats.byCategory")}</figcaption>
              <Bars
                rows={rows}
                label={t("stats.byCategory")}
                series={[
                  { key: "offers", label: t("stats.offers"), cls: "c1" },
                  { key: "needs", label: t("stats.needs"), cls: "c2" },
                  { key: "claims", label: t("stats.claims"), cls: "c3" },
                ]}
              />
            </figure>
            <figure class="card">
              <figcaption>{t("stats.fulfilment")}</figcaption>
              <Bars
                rows={rows.filter((r) => (r.claims ?? 0) > 0)}
                label={t("stats.fulfilment")}
                series={[
                  { key: "claims", label: t("stats.claims"), cls: "c3" },
                  { key: "approved", label: t("stats.approved"), cls: "c4" },
                  { key: "fulfilled", label: t("stats.fulfilled"), cls: "c5" },
                ]}
              />
            </figure>
          </div>
          <TableWrap label={t("stats.table")}>
            <table>
              <caption>{t("stats.table")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("listing.category")}</th>
                  <th scope="col">{t("stats.offers")}</th>
                  <th scope="col">{t("stats.needs")}</th>
                  <th scope="col">{t("stats.claims")}</th>
                  <th scope="col">{t("stats.approved")}</th>
                  <th scope="col">{t("stats.fulfilled")}</th>
                  <th scope="col">{t("stats.qtyOffered")}</th>
                  <th scope="col">{t("stats.qtyClaimed")}</th>
                </tr>
              </thead>
              <tbody>
                {(s.by_category ?? []).map((c) => (
                  <tr>
                    <th scope="row">{catName(c.category)}</th>
                    <td class="num">{c.offers}</td>
                    <td class="num">{c.needs}</td>
                    <td class="num">{c.claims}</td>
                    <td class="num">{c.approved}</td>
                    <td class="num">{c.fulfilled}</td>
                    <td class="num">{c.quantity_offered}</td>
                    <td class="num">{c.quantity_claimed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </section>
  );
}

type Series = { key: keyof S["CategoryStats"]; label: string; cls: string };

/** Bars is a grouped horizontal bar chart in SVG, one group per category. */
function Bars({ rows, series, label }: { rows: S["CategoryStats"][]; series: Series[]; label: string }) {
  const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => Number(r[s.key] ?? 0))));
  const bar = 12;
  const gap = 4;
  const group = series.length * (bar + 2) + gap * 3;
  const left = 96;
  const width = 480;
  const height = Math.max(group, rows.length * group) + 28;
  return (
    <div>
      <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-bars={rows.length * series.length}>
        {rows.map((r, i) => {
          const y0 = i * group + 4;
          return (
            <g>
              <text x={left - 8} y={y0 + (series.length * (bar + 2)) / 2 + 4} text-anchor="end" class="axis">
                {catName(r.category)}
              </text>
              {series.map((s, j) => {
                const v = Number(r[s.key] ?? 0);
                const w = ((width - left - 40) * v) / max;
                const y = y0 + j * (bar + 2);
                return (
                  <g>
                    <rect x={left} y={y} width={Math.max(w, v > 0 ? 2 : 0)} height={bar} class={s.cls} rx={2}>
                      <title>{`${catName(r.category)} · ${s.label}: ${v}`}</title>
                    </rect>
                    <text x={left + w + 4} y={y + bar - 2} class="val">
                      {v}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {series.map((s) => (
          <li>
            <span class={"swatch " + s.cls} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
