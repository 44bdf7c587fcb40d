// 认领: the org's (or street's) claims, filtered by status, with the actions the user may take
// and each claim's history.
import { useState } from "preact/hooks";
import { all, api, must, type S } from "../api/client";
import { t, type Key } from "../i18n";
import { useNames } from "../names";
import { dateTime, windowInWords } from "../format";
import { ErrorBox, Empty, Field, Loading, Notice, TableWrap, describe, useAsync, useConfirm } from "../components/ui";
import { claimant, ListingLink, owner } from "./claimrow";
import { can, type User } from "../user";

type Status = NonNullable<S["Claim"]["status"]>;
const STATUSES: Status[] = ["pending", "approved", "rejected", "cancelled", "expired", "fulfilled"];
export const statusKey = (s?: string) => ("status." + (s ?? "pending")) as Key;

export function Claims({ user }: { user: User }) {
  useNames();
  const [status, setStatus] = useState<Status | "">("");
  const q = useAsync(
    () =>
      all(
        (cursor) => api.GET("/api/v1/claims", { params: { query: { status: status ? [status] : undefined, limit: 100, cursor } } }),
        500,
      ).then((items) => items.reverse()),
    [status],
  );
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [rating, setRating] = useState<S["Claim"] | null>(null);
  const [dialog, ask] = useConfirm();

  const mine = (c: S["Claim"]) => c.owner_org_id === user.me.org_id || c.claimant_org_id === user.me.org_id;
  const replace = (c: S["Claim"]) => q.set((q.data ?? []).map((x) => (x.id === c.id ? c : x)));
  const act = async (c: S["Claim"], run: () => Promise<S["Claim"]>, done: string) => {
    try {
      replace(await run());
      setErrors((e) => ({ ...e, [c.id!]: "" }));
      setNotice(done);
    } catch (err) {
      setErrors((e) => ({ ...e, [c.id!]: describe(err) }));
    }
  };
  const id = (c: S["Claim"]) => ({ params: { path: { id: c.id! } } });

  const cancel = async (c: S["Claim"]) => {
    const reason = await ask({ title: t("claims.cancelTitle"), message: t("claims.cancelMsg"), reason: t("claims.cancelReason"), confirm: t("claims.cancel"), danger: true });
    if (reason === null) return;
    await act(c, () => must(api.POST("/api/v1/claims/{id}/cancel", { ...id(c), body: reason ? { reason } : {} })), t("claims.cancelled"));
  };
  const confirm = async (c: S["Claim"]) => {
    const ok = await ask({ title: t("claims.confirmTitle"), message: t("claims.confirmMsg"), confirm: t("claims.confirm") });
    if (ok === null) return;
    await act(c, () => must(api.POST("/api/v1/claims/{id}/confirm", id(c))), t("claims.confirmed"));
  };
  const confirmedByMe = (c: S["Claim"]) =>
    (c.owner_org_id === user.me.org_id && !!c.owner_confirmed_at) || (c.claimant_org_id === user.me.org_id && !!c.claimant_confirmed_at);

  const rows = q.data ?? [];
  return (
    <section aria-labelledby="claims-h">
      <div class="page-head">
        <h1 id="claims-h">{t("nav.claims")}</h1>
      </div>
      <div class="filters">
        <Field label={t("claims.filter")}>
          {(fid) => (
            <select id={fid} value={status} onChange={(e) => setStatus(e.currentTarget.value as Status | "")}>
              <option value="">{t("claims.all")}</option>
              {STATUSES.map((s) => (
                <option value={s}>{t(statusKey(s))}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Notice text={notice} />
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && rows.length === 0 && !q.error && <Empty>{t("claims.empty")}</Empty>}
      {rows.length > 0 && (
        <TableWrap label={t("nav.claims")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("claim.listing")}</th>
                <th scope="col">{t("claim.claimant")}</th>
                <th scope="col">{t("claim.owner")}</th>
                <th scope="col">{t("claim.quantity")}</th>
                <th scope="col">{t("claim.window")}</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => {
                const live = c.status === "pending" || c.status === "approved";
                const party = can.party(user) && mine(c);
                return [
                  <tr key={c.id}>
                    <td>
                      <ListingLink c={c} />
                      {errors[c.id!] && (
                        <p class="field-error" role="alert">
                          {errors[c.id!]}
                        </p>
                      )}
                    </td>
                    <td>{claimant(c)}</td>
                    <td>{owner(c)}</td>
                    <td class="num">{c.quantity}</td>
                    <td>{windowInWords(c.window, true)}</td>
                    <td>
                      <span class={"badge s-" + c.status}>{t(statusKey(c.status))}</span>
                      {c.rating ? <span class="rating"> {"★".repeat(c.rating)}</span> : null}
                    </td>
                    <td class="row-actions">
                      {party && live && (
                        <button type="button" onClick={() => cancel(c)}>
                          {t("claims.cancel")}
                        </button>
                      )}
                      {party && c.status === "approved" && !confirmedByMe(c) && (
                        <button type="button" onClick={() => confirm(c)}>
                          {t("claims.confirm")}
                        </button>
                      )}
                      {party && c.status === "fulfilled" && c.claimant_org_id === user.me.org_id && !c.rating && (
                        <button type="button" onClick={() => setRating(c)}>
                          {t("claims.rate")}
                        </button>
                      )}
                      <button type="button" aria-expanded={open === c.id} onClick={() => setOpen(open === c.id ? null : c.id!)}>
                        {t("claims.history")}
                      </button>
                    </td>
                  </tr>,
                  open === c.id && (
                    <tr key={c.id + "-h"} class="history-row">
                      <td colSpan={7}>
                        <History id={c.id!} />
                      </td>
                    </tr>
                  ),
                ];
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {rating && (
        <Feedback
          claim={rating}
          onClose={(c) => {
            setRating(null);
            if (c) {
              replace(c);
              setNotice(t("claims.rated"));
            }
          }}
        />
      )}
      {dialog}
    </section>
  );
}

function History({ id }: { id: string }) {
  const q = useAsync(() => must(api.GET("/api/v1/claims/{id}", { params: { path: { id } } })), [id]);
  if (q.loading) return <Loading />;
  if (q.error) return <ErrorBox error={q.error} />;
  const h = q.data?.history ?? [];
  return (
    <div>
      <h2 class="h3">{t("claims.historyOf")}</h2>
      <ol class="history">
        {h.map((e) => (
          <li>
            <time dateTime={e.at}>{dateTime(e.at)}</time> · {t(("action." + e.action) as Key) || e.action}
            {e.from ? ` · ${t(statusKey(e.from))} → ${t(statusKey(e.to))}` : ` · ${t(statusKey(e.to))}`}
            {" · "}
            {e.actor_name || (e.actor_id === "system" ? t("claims.system") : "—")}
            {e.note ? ` · ${e.note}` : ""}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Feedback({ claim, onClose }: { claim: S["Claim"]; onClose: (c?: S["Claim"]) => void }) {
  const [rating, setRating] = useState(5);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onClose(await must(api.POST("/api/v1/claims/{id}/feedback", { params: { path: { id: claim.id! } }, body: { rating, comment: comment || undefined } })));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <dialog
      aria-labelledby="fb-h"
      ref={(d) => {
        if (d && !d.open) d.showModal();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id="fb-h">{t("claims.rateTitle")}</h2>
        <Field label={t("claims.rating")}>
          {(id) => (
            <select id={id} value={String(rating)} onChange={(e) => setRating(Number(e.currentTarget.value))}>
              {[5, 4, 3, 2, 1].map((n) => (
                <option value={String(n)}>{t("claims.stars", { n })}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("claims.comment")}>
          {(id) => <textarea id={id} rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
        </Field>
        <ErrorBox error={error} />
        <div class="actions">
          <button type="submit" class="primary">
            {t("action.submit")}
          </button>
          <button type="button" onClick={() => onClose()}>
            {t("action.back")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
