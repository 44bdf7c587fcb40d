// 组织与用户 (admins): the district's organisations and users, with forms to add them and a
// confirmed deactivation of a user.
import { useState } from "preact/hooks";
import { all, api, ApiError, must, type S } from "../api/client";
import { t, type Key } from "../i18n";
import { loadOrgs, orgList, orgName, reset, useNames } from "../names";
import { ErrorBox, Field, Loading, Notice, TableWrap, describe, useAsync, useConfirm } from "../components/ui";
import type { User } from "../user";

const KINDS = ["street", "community", "unit"] as const;
const ROLES = ["coordinator", "community_staff", "liaison", "admin"] as const;
const roleOrgKind: Record<string, string> = { admin: "district", coordinator: "street", community_staff: "community", liaison: "unit" };

export function OrgsUsers({ user: _ }: { user: User }) {
  useNames();
  const users = useAsync(() => all((cursor) => api.GET("/api/v1/users", { params: { query: { limit: 100, cursor } } }), 1000), []);
  const [notice, setNotice] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dialog, ask] = useConfirm();
  const orgs = orgList();
  const kindKey = (k?: string) => ("kind." + k) as Key;

  const deactivate = async (u: S["User"]) => {
    const ok = await ask({ title: t("users.deactivateTitle"), message: t("users.deactivateMsg", { name: u.display_name || u.username || "" }), confirm: t("users.deactivate"), danger: true });
    if (ok === null) return;
    try {
      await must(api.DELETE("/api/v1/users/{id}", { params: { path: { id: u.id! } } }));
      users.set((users.data ?? []).map((x) => (x.id === u.id ? { ...x, active: false } : x)));
      setNotice(t("users.deactivated"));
    } catch (err) {
      setErrors((e) => ({ ...e, [u.id!]: describe(err) }));
    }
  };

  return (
    <section aria-labelledby="ou-h">
      <h1 id="ou-h">{t("nav.orgs")}</h1>
      <Notice text={notice} />
      <h2>{t("orgs.title")}</h2>
      {orgs.length === 0 ? (
        <Loading />
      ) : (
        <TableWrap label={t("orgs.title")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("orgs.name")}</th>
                <th scope="col">{t("orgs.kind")}</th>
                <th scope="col">{t("orgs.parent")}</th>
                <th scope="col">{t("orgs.address")}</th>
                <th scope="col">{t("orgs.contact")}</th>
              </tr>
            </thead>
            <tbody>
              {orgs.map((o) => (
                <tr key={o.id}>
                  <td>{o.name}</td>
                  <td>{t(kindKey(o.kind))}</td>
                  <td>{o.parent_name || (o.parent_id ? orgName(o.parent_id) : "—")}</td>
                  <td>{o.address || o.location?.address || "—"}</td>
                  <td>{[o.contact_name, o.contact_phone].filter(Boolean).join(" ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <NewOrg
        onCreated={(o) => {
          reset();
          void loadOrgs();
          setNotice(t("orgs.created", { name: o.name ?? "" }));
        }}
      />
      <h2>{t("users.title")}</h2>
      <ErrorBox error={users.error} />
      {users.loading && <Loading />}
      {users.data && (
        <TableWrap label={t("users.title")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("users.username")}</th>
                <th scope="col">{t("users.displayName")}</th>
                <th scope="col">{t("users.role")}</th>
                <th scope="col">{t("users.org")}</th>
                <th scope="col">{t("users.phone")}</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>
                    {u.display_name}
                    {errors[u.id!] && (
                      <p class="field-error" role="alert">
                        {errors[u.id!]}
                      </p>
                    )}
                  </td>
                  <td>{t(("role." + u.role) as Key)}</td>
                  <td>{u.org_name || orgName(u.org_id)}</td>
                  <td>{u.phone || "—"}</td>
                  <td>{u.active === false ? t("users.inactive") : t("users.active")}</td>
                  <td>
                    {u.active !== false && (
                      <button type="button" onClick={() => deactivate(u)}>
                        {t("users.deactivate")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <NewUser orgs={orgs} onCreated={(u) => {
        users.set([...(users.data ?? []), u]);
        setNotice(t("users.created", { name: u.username ?? "" }));
      }} />
      {dialog}
    </section>
  );
}

function useForm<T>(submit: () => Promise<T>, done: (v: T) => void) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      done(await submit());
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fieldErrors()).length) setErrors(err.fieldErrors());
      setError(err);
    }
  };
  return { errors, error, onSubmit };
}

function NewOrg({ onCreated }: { onCreated: (o: S["Org"]) => void }) {
  const [kind, setKind] = useState<(typeof KINDS)[number]>("community");
  const [name, setName] = useState("");
  const [parent, setParent] = useState("");
  const [address, setAddress] = useState("");
  const [contact, setContact] = useState("");
  const [phone, setPhone] = useState("");
  const parentKind = kind === "street" ? "district" : "street";
  const parents = orgList().filter((o) => o.kind === parentKind);
  const f = useForm(
    () =>
      must(
        api.POST("/api/v1/orgs", {
          body: {
            kind,
            name,
            parent_id: parent || parents[0]?.id,
            address: address || undefined,
            contact_name: contact || undefined,
            contact_phone: phone || undefined,
          },
        }),
      ),
    (o) => {
      setName("");
      onCreated(o);
    },
  );
  return (
    <form class="card" onSubmit={f.onSubmit} noValidate aria-labelledby="no-h">
      <h3 id="no-h">{t("orgs.new")}</h3>
      <div class="grid">
        <Field label={t("orgs.kind")} error={f.errors.kind}>
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.currentTarget.value as (typeof KINDS)[number])}>
              {KINDS.map((k) => (
                <option value={k}>{t(("kind." + k) as Key)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("orgs.name")} error={f.errors.name}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
        </Field>
        <Field label={t("orgs.parent")} error={f.errors.parent_id}>
          {(id, d, inv) => (
            <select id={id} aria-describedby={d} aria-invalid={inv} value={parent} onChange={(e) => setParent(e.currentTarget.value)}>
              {parents.map((o) => (
                <option value={o.id}>{o.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("orgs.address")} error={f.errors.address}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={address} onInput={(e) => setAddress(e.currentTarget.value)} />}
        </Field>
        <Field label={t("orgs.contactName")} error={f.errors.contact_name}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={contact} onInput={(e) => setContact(e.currentTarget.value)} />}
        </Field>
        <Field label={t("orgs.contactPhone")} error={f.errors.contact_phone}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
      </div>
      <ErrorBox error={f.error} />
      <button type="submit" class="primary">
        {t("orgs.create")}
      </button>
    </form>
  );
}

function NewUser({ orgs, onCreated }: { orgs: S["Org"][]; onCreated: (u: S["User"]) => void }) {
  const [role, setRole] = useState<(typeof ROLES)[number]>("liaison");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [phone, setPhone] = useState("");
  const [orgId, setOrgId] = useState("");
  const fitting = orgs.filter((o) => o.kind === roleOrgKind[role]);
  const f = useForm(
    () =>
      must(
        api.POST("/api/v1/users", {
          body: { username, password, display_name: displayName, phone: phone || undefined, role, org_id: orgId || fitting[0]?.id },
        }),
      ),
    (u) => {
      setUsername("");
      setPassword("");
      onCreated(u);
    },
  );
  return (
    <form class="card" onSubmit={f.onSubmit} noValidate aria-labelledby="nu-h">
      <h3 id="nu-h">{t("users.new")}</h3>
      <div class="grid">
        <Field label={t("users.role")} error={f.errors.role}>
          {(id) => (
            <select id={id} value={role} onChange={(e) => setRole(e.currentTarget.value as (typeof ROLES)[number])}>
              {ROLES.map((r) => (
                <option value={r}>{t(("role." + r) as Key)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("users.org")} error={f.errors.org_id}>
          {(id, d, inv) => (
            <select id={id} aria-describedby={d} aria-invalid={inv} value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)}>
              {fitting.map((o) => (
                <option value={o.id}>{o.name}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("users.username")} error={f.errors.username}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} autoComplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />}
        </Field>
        <Field label={t("users.password")} error={f.errors.password}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} type="password" autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        <Field label={t("users.displayName")} error={f.errors.display_name}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />}
        </Field>
        <Field label={t("users.phone")} error={f.errors.phone}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
      </div>
      <ErrorBox error={f.error} />
      <button type="submit" class="primary">
        {t("users.create")}
      </button>
    </form>
  );
}
