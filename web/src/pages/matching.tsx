// 匹配: run the optimal matching for a street over [开始日期, 结束日期), see the proposals with
// their score's reasons, accept them one by one, and reopen earlier runs.
import { useEffect, useState } from "preact/hooks";
import { api, must, type S } from "../api/client";
import { t } from "../i18n";
import { catName, categoryList, orgList, useNames } from "../names";
import { dateTime, dayStart, number, today } from "../format";
import { ErrorBox, Empty, Field, Loading, Notice, TableWrap, describe, useAsync } from "../components/ui";
import { reasonsText } from "./listing";
import { streetOf, type User } from "../user";

type Run = S["MatchingRun"];
type Proposal = S["MatchingProposal"];

/** listRuns lists a street's earlier runs, newest first (without their proposals). */
async function listRuns(street: string): Promise<S["MatchingRunSummary"][]> {
  const r = await must(api.GET("/api/v1/matching/runs", { params: { query: { street_id: street, limit: 20 } } }));
  return r.items ?? [];
}

export function Matching({ user }: { user: User }) {
  useNames();
  const streets = orgList().filter((o) => o.kind === "street");
  const [street, setStreet] = useState(streetOf(user));
  useEffect(() => {
    if (!street && streets.length) setStreet(streets[0].id ?? "");
  }, [streets.length]);
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(today(7));
  const [cats, setCats] = useState<string[]>([]);
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldErr, setFieldErr] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const runs = useAsync(() => (street ? listRuns(street) : Promise.resolve([])), [street]);

  const start = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErr({});
    try {
      const r = await must(
        api.POST("/api/v1/matching/runs", {
          body: { street_id: street, from: dayStart(from), to: dayStart(to), categories: cats.length ? cats : undefined },
        }),
      );
      setRun(r);
      runs.reload();
    } catch (err) {
      setError(err);
      if (err instanceof Error && "fieldErrors" in err) setFieldErr((err as unknown as { fieldErrors: () => Record<string, string> }).fieldErrors());
    } finally {
      setBusy(false);
    }
  };
  const open = async (id: string) => {
    try {
      setRun(await must(api.GET("/api/v1/matching/runs/{id}", { params: { path: { id } } })));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="m-h">
      <h1 id="m-h">{t("nav.matching")}</h1>
      <form class="card" onSubmit={start} noValidate aria-labelledby="m-form-h">
        <h2 id="m-form-h">{t("matching.new")}</h2>
        <div class="grid">
          {user.role === "admin" && (
            <Field label={t("matching.street")} error={fieldErr.street_id}>
              {(id, d, inv) => (
                <select id={id} aria-describedby={d} aria-invalid={inv} value={street} onChange={(e) => setStreet(e.currentTarget.value)}>
                  {streets.map((s) => (
                    <option value={s.id}>{s.name}</option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label={t("matching.from")} error={fieldErr.from}>
            {(id, d, inv) => <input id={id} type="date" aria-describedby={d} aria-invalid={inv} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />}
          </Field>
          <Field label={t("matching.to")} error={fieldErr.to} hint={t("matching.toHint")}>
            {(id, d, inv) => <input id={id} type="date" aria-describedby={d} aria-invalid={inv} value={to} onInput={(e) => setTo(e.currentTarget.value)} />}
          </Field>
        </div>
        <fieldset class="cats">
          <legend>{t("matching.categories")}</legend>
          {categoryList().map((c) => (
            <label class="check">
              <input
                type="checkbox"
                checked={cats.includes(c.code!)}
                onChange={(e) => setCats(e.currentTarget.checked ? [...cats, c.code!] : cats.filter((x) => x !== c.code))}
              />
              {catName(c.code)}
            </label>
          ))}
        </fieldset>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy || !street}>
          {t("matching.run")}
        </button>
        {busy && <Loading />}
      </form>
      {run && <RunView key={run.id} run={run} />}
      <section aria-labelledby="runs-h">
        <h2 id="runs-h">{t("matching.earlier")}</h2>
        <ErrorBox error={runs.error} />
        {runs.loading && <Loading />}
        {!runs.loading && (runs.data ?? []).length === 0 && <Empty>{t("matching.noRuns")}</Empty>}
        {(runs.data ?? []).length > 0 && (
          <ul class="runs">
            {(runs.data ?? []).map((r) => (
              <li>
                <button type="button" class="link" aria-current={run?.id === r.id ? "true" : undefined} onClick={() => open(r.id!)}>
                  {t("matching.runLabel", { at: dateTime(r.created_at), from: dateTime(r.from), to: dateTime(r.to) })}
                </button>{" "}
                <span class="muted">
                  {t("matching.runStats", { m: r.stats?.matched_quantity ?? 0, u: r.stats?.unmet_quantity ?? 0 })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

function RunView({ run }: { run: Run }) {
  useNames();
  const proposals = run.proposals ?? [];
  const [accepted, setAccepted] = useState<Record<string, string>>(() =>
    Object.fromEntries(proposals.filter((p) => p.claim_id).map((p) => [p.id!, p.claim_id!])),
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState("");
  // The reasons of each proposal's score, from the need's suggestions.
  const reasons = useAsync(async () => {
    const out: Record<string, S["SuggestionReasons"]> = {};
    const needs = [...new Set(proposals.map((p) => p.need_id!))].slice(0, 30);
    await Promise.all(
      needs.map(async (id) => {
        const r = await api.GET("/api/v1/needs/{id}/suggestions", { params: { path: { id }, query: { limit: 50 } } });
        for (const s of r.data?.items ?? []) {
          out[id + "/" + s.listing?.id] = s.reasons!;
        }
      }),
    );
    return out;
  }, [run.id]);

  const accept = async (p: Proposal) => {
    try {
      const c = await must(api.POST("/api/v1/matching/proposals/{id}/accept", { params: { path: { id: p.id! } } }));
      setAccepted((a) => ({ ...a, [p.id!]: c.id! }));
      setNotice(t("matching.accepted"));
    } catch (err) {
      setErrors((e) => ({ ...e, [p.id!]: describe(err) }));
    }
  };
  const s = run.stats;
  return (
    <section aria-labelledby="run-h" class="card">
      <h2 id="run-h">{t("matching.result", { at: dateTime(run.created_at) })}</h2>
      <p>
        {t("matching.summary", {
          needs: s?.needs ?? 0,
          offers: s?.offers ?? 0,
          candidates: s?.candidates ?? 0,
          matched: s?.matched_quantity ?? 0,
          unmet: s?.unmet_quantity ?? 0,
          ms: number(s?.elapsed_ms, 0),
        })}
        {run.categories?.length ? " · " + run.categories.map((c) => catName(c)).join("、") : ""}
      </p>
      <Notice text={notice} />
      {proposals.length === 0 && <Empty>{t("matching.noProposals")}</Empty>}
      {proposals.length > 0 && (
        <TableWrap label={t("matching.proposals")}>
          <table>
            <caption>{t("matching.proposals")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("matching.need")}</th>
                <th scope="col">{t("matching.offer")}</th>
                <th scope="col">{t("claim.quantity")}</th>
                <th scope="col">{t("matching.score")}</th>
                <th scope="col">{t("matching.reasons")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {proposals.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.need_title}
                    <div class="muted">{p.need_org_name}</div>
                  </td>
                  <td>
                    {p.offer_title}
                    <div class="muted">{p.offer_org_name}</div>
                    {errors[p.id!] && (
                      <p class="field-error" role="alert">
                        {errors[p.id!]}
                      </p>
                    )}
                  </td>
                  <td class="num">{p.quantity}</td>
                  <td class="num">{number(p.score, 2)}</td>
                  <td>{reasons.data ? reasonsText(reasons.data[p.need_id + "/" + p.offer_id]) : t("state.loading")}</td>
                  <td>
                    {accepted[p.id!] ? (
                      <span>{t("matching.acceptedShort")}</span>
                    ) : (
                      <button type="button" class="primary" onClick={() => accept(p)}>
                        {t("matching.accept")}
                      </button>
                    )}
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
