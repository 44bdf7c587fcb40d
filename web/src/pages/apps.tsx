// 应用 (admins): third-party apps. Registering or rotating shows the secret once; revoking asks
// for confirmation first.
import { useState } from "preact/hooks";
import { all, api, ApiError, must, type S } from "../api/client";
import { t } from "../i18n";
import { orgList, orgName, useNames } from "../names";
import { dateTime } from "../format";
import { ErrorBox, Empty, Field, Loading, Notice, TableWrap, describe, useAsync, useConfirm } from "../components/ui";
import type { User } from "../user";

const SCOPES = ["listings:read", "listings:write", "claims:read", "claims:write", "events:read"] as const;
type Scope = (typeof SCOPES)[number];

export function Apps({ user: _ }: { user: User }) {
  useNames();
  const q = useAsync(() => all((cursor) => api.GET("/api/v1/clients", { params: { query: { limit: 100, cursor } } }), 500), []);
  const [secret, setSecret] = useState<S["AppWithSecret"] | null>(null);
  const [notice, setNotice] = useState("");
  const [rowErr, setRowErr] = useState<Record<string, string>>({});
  const [dialog, ask] = useConfirm();
  const [name, setName] = useState("");
  const [orgId, setOrgId] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["listings:read"]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const orgs = orgList().filter((o) => o.kind !== "district");

  const register = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      const c = await must(api.POST("/api/v1/clients", { body: { name, org_id: orgId || orgs[0]?.id, scopes } }));
      setSecret(c);
      setName("");
      q.set([...(q.data ?? []), c]);
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setError(err);
    }
  };
  const rotate = async (c: S["App"]) => {
    const ok = await ask({ title: t("apps.rotateTitle"), message: t("apps.rotateMsg", { name: c.name ?? "" }), confirm: t("apps.rotate") });
    if (ok === null) return;
    try {
      setSecret(await must(api.POST("/api/v1/clients/{id}/rotate-secret", { params: { path: { id: c.id! } } })));
    } catch (err) {
      setRowErr((e) => ({ ...e, [c.id!]: describe(err) }));
    }
  };
  const revoke = async (c: S["App"]) => {
    const ok = await ask({ title: t("apps.revokeTitle"), message: t("apps.revokeMsg", { name: c.name ?? "" }), confirm: t("apps.revoke"), danger: true });
    if (ok === null) return;
    try {
      await must(api.DELETE("/api/v1/clients/{id}", { params: { path: { id: c.id! } } }));
      q.set((q.data ?? []).map((x) => (x.id === c.id ? { ...x, revoked_at: new Date().toISOString() } : x)));
      setNotice(t("apps.revoked", { name: c.name ?? "" }));
    } catch (err) {
      setRowErr((e) => ({ ...e, [c.id!]: describe(err) }));
    }
  };

  const rows = q.data ?? [];
  return (
    <section aria-labelledby="apps-h">
      <h1 id="apps-h">{t("nav.apps")}</h1>
      <Notice text={notice} />
      {secret && (
        <div class="secret card" role="alert">
          <h2>{t("apps.secretTitle", { name: secret.name ?? "" })}</h2>
          <p>{t("apps.secretOnce")}</p>
          <dl class="facts">
            <dt>client_id</dt>
            <dd>
              <code>{secret.client_id}</code>
            </dd>
            <dt>client_secret</dt>
            <dd>
              <code class="secret-value">{secret.client_secret}</code>
            </dd>
          </dl>
          <button type="button" onClick={() => setSecret(null)}>
            {t("apps.secretDone")}
          </button>
        </div>
      )}
      <ErrorBox error={q.error} />
      {q.loading && <Loading />}
      {!q.loading && !q.error && rows.length === 0 && <Empty>{t("apps.empty")}</Empty>}
      {rows.length > 0 && (
        <TableWrap label={t("nav.apps")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("apps.name")}</th>
                <th scope="col">client_id</th>
                <th scope="col">{t("apps.org")}</th>
                <th scope="col">{t("apps.scopes")}</th>
                <th scope="col">{t("apps.created")}</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>
                    {c.name}
                    {rowErr[c.id!] && (
                      <p class="field-error" role="alert">
                        {rowErr[c.id!]}
                      </p>
                    )}
                  </td>
                  <td>
                    <code>{c.client_id}</code>
                  </td>
                  <td>{c.org_name || orgName(c.org_id)}</td>
                  <td>{(c.scopes ?? []).join(", ")}</td>
                  <td>{dateTime(c.created_at)}</td>
                  <td>{c.revoked_at ? t("apps.revokedState") : t("apps.activeState")}</td>
                  <td class="row-actions">
                    {!c.revoked_at && (
                      <>
                        <button type="button" onClick={() => rotate(c)}>
                          {t("apps.rotate")}
                        </button>
                        <button type="button" class="danger" onClick={() => revoke(c)}>
                          {t("apps.revoke")}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <form class="card" onSubmit={register} noValidate aria-labelledby="na-h">
        <h2 id="na-h">{t("apps.new")}</h2>
        <div class="grid">
          <Field label={t("apps.name")} error={errors.name}>
            {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field label={t("apps.org")} error={errors.org_id}>
            {(id, d, inv) => (
              <select id={id} aria-describedby={d} aria-invalid={inv} value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)}>
                {orgs.map((o) => (
                  <option value={o.id}>{o.name}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset>
          <legend>{t("apps.scopes")}</legend>
          {SCOPES.map((s) => (
            <label class="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
              <code>{s}</code>
            </label>
          ))}
          {errors.scopes && <p class="field-error">{errors.scopes}</p>}
        </fieldset>
        <ErrorBox error={error} />
        <button type="submit" class="primary">
          {t("apps.register")}
        </button>
      </form>
      {dialog}
    </section>
  );
}
