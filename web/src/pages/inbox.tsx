// 待审批: the street's pending claims, oldest first, with the time left before each expires.
import { useState } from "preact/hooks";
import { all, api, must, type S } from "../api/client";
import { t } from "../i18n";
import { windowInWords, timeLeft, dateTime } from "../format";
import { ErrorBox, Empty, Loading, Notice, TableWrap, describe, useAsync, useConfirm, useNow } from "../components/ui";
import { claimant, claimListing, ListingLink, owner } from "./claimrow";
import type { User } from "../user";

export function Inbox({ user: _ }: { user: User }) {
  const now = useNow(15_000);
  const q = useAsync(async () => {
    const items = await all((cursor) => api.GET("/api/v1/claims", { params: { query: { status: ["pending"], limit: 100, cursor } } }));
    items.sort((a, b) => (a.created_at ?? "").localeCompare(b.created_at ?? ""));
    return items;
  }, []);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState("");
  const [dialog, ask] = useConfirm();

  const claims = (q.data ?? []).filter((c) => new Date(c.expires_at ?? 0).getTime() > now);
  const drop = (ids: string[]) => {
    q.set((q.data ?? []).filter((c) => !ids.includes(c.id!)));
    setSelected((s) => new Set([...s].filter((x) => !ids.includes(x))));
  };
  const mark = (id: string, on: boolean) =>
    setBusy((s) => {
      const n = new Set(s);
      on ? n.add(id) : n.delete(id);
      return n;
    });

  const approve = async (c: S["Claim"]): Promise<boolean> => {
    mark(c.id!, true);
    try {
      await must(api.POST("/api/v1/claims/{id}/approve", { params: { path: { id: c.id! } }, body: {} }));
      setRowError((e) => ({ ...e, [c.id!]: "" }));
      return true;
    } catch (err) {
      setRowError((e) => ({ ...e, [c.id!]: describe(err) }));
      return false;
    } finally {
      mark(c.id!, false);
    }
  };

  const approveOne = async (c: S["Claim"]) => {
    if (await approve(c)) {
      drop([c.id!]);
      setNotice(t("inbox.approved", { title: claimListing(c) }));
    }
  };

  const reject = async (c: S["Claim"]) => {
    const reason = await ask({
      title: t("inbox.rejectTitle", { title: claimListing(c) }),
      reason: t("inbox.reason"),
      reasonRequired: true,
      confirm: t("action.confirm"),
      danger: true,
    });
    if (reason === null) return;
    mark(c.id!, true);
    try {
      await must(api.POST("/api/v1/claims/{id}/reject", { params: { path: { id: c.id! } }, body: { reason } }));
      drop([c.id!]);
      setNotice(t("inbox.rejected", { title: claimListing(c) }));
    } catch (err) {
      setRowError((e) => ({ ...e, [c.id!]: describe(err) }));
    } finally {
      mark(c.id!, false);
    }
  };

  const bulk = async () => {
    const chosen = claims.filter((c) => selected.has(c.id!));
    const done: string[] = [];
    for (const c of chosen) if (await approve(c)) done.push(c.id!);
    drop(done);
    setNotice(t("inbox.bulkDone", { n: done.length, failed: chosen.length - done.length }));
  };

  const allChecked = claims.length > 0 && claims.every((c) => selected.has(c.id!));
  return (
    <section aria-labelledby="inbox-h" data-state={q.loading ? "loading" : "ready"}>
      <div class="page-head">
        <h1 id="inbox-h">{t("nav.inbox")}</h1>
        <span class="bulk">
          {selected.size > 0 && <span class="muted">{t("inbox.selected", { n: selected.size })}</span>}
          <button type="button" class="primary" disabled={selected.size === 0} onClick={bulk}>
            {t("inbox.bulk")}
          </button>
        </span>
      </div>
      <p class="lead">{t("inbox.lead")}</p>
      <Notice text={notice} />
      <ErrorBox error={q.error} />
      {q.loading && !q.data && <Loading />}
      {q.data && claims.length === 0 && <Empty>{t("inbox.empty")}</Empty>}
      {claims.length > 0 && (
        <TableWrap label={t("nav.inbox")}>
          <table class="inbox">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label={t("inbox.selectAll")}
                    checked={allChecked}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(claims.map((c) => c.id!)) : new Set())}
                  />
                </th>
                <th scope="col">{t("claim.listing")}</th>
                <th scope="col">{t("claim.claimant")}</th>
                <th scope="col">{t("claim.owner")}</th>
                <th scope="col">{t("claim.quantity")}</th>
                <th scope="col">{t("claim.window")}</th>
                <th scope="col">{t("inbox.left")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => {
                const left = timeLeft(c.expires_at, now);
                const urgent = new Date(c.expires_at ?? 0).getTime() - now < 6 * 3_600_000;
                return (
                  <tr key={c.id} data-claim={c.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t("inbox.select", { title: claimListing(c), who: claimant(c) })}
                        checked={selected.has(c.id!)}
                        onChange={(e) => {
                          const n = new Set(selected);
                          e.currentTarget.checked ? n.add(c.id!) : n.delete(c.id!);
                          setSelected(n);
                        }}
                      />
                    </td>
                    <td>
                      <ListingLink c={c} />
                      {rowError[c.id!] && (
                        <p class="field-error" role="alert">
                          {rowError[c.id!]}
                        </p>
                      )}
                    </td>
                    <td>{claimant(c)}</td>
                    <td>{owner(c)}</td>
                    <td class="num">{c.quantity}</td>
                    <td>{windowInWords(c.window)}</td>
                    <td class={urgent ? "urgent" : ""}>
                      <time dateTime={c.expires_at ?? undefined} title={dateTime(c.expires_at)}>
                        {left}
                      </time>
                    </td>
                    <td class="row-actions">
                      <button type="button" class="primary" disabled={busy.has(c.id!)} onClick={() => approveOne(c)}>
                        {t("inbox.approve")}
                      </button>
                      <button type="button" disabled={busy.has(c.id!)} onClick={() => reject(c)}>
                        {t("inbox.reject")}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      )}
      {dialog}
    </section>
  );
}
