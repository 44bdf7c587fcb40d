// The listing form (发布) with its recurrence builder: the rule is shown in words as it is built.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError, must, type S } from "../api/client";
import { t } from "../i18n";
import { categoryList, catName, org as orgById, orgList, useNames } from "../names";
import { DAYS, dayName, fromLocalInput, parts, windowInWords, type Day } from "../format";
import { ErrorBox, Field } from "../components/ui";
import type { User } from "../user";

type Repeat = "none" | "daily" | "weekly" | "monthly";
const jsToDay: Day[] = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** buildRule turns the builder's choices into an RRULE ("" for a single window). */
export function buildRule(repeat: Repeat, days: Day[], until: string): string {
  if (repeat === "none") return "";
  const rule = ["FREQ=" + { daily: "DAILY", weekly: "WEEKLY", monthly: "MONTHLY" }[repeat]];
  if (repeat === "weekly" && days.length) rule.push("BYDAY=" + DAYS.filter((d) => days.includes(d)).join(","));
  // The last day's end in Shanghai (23:59:59 +08:00) in UTC.
  if (until) rule.push("UNTIL=" + until.replace(/-/g, "") + "T155959Z");
  return rule.join(";");
}

// Where a field named by the server is shown.
const fieldOf = (f: string): string => {
  if (f.startsWith("location")) return "address";
  if (/^windows(\[0\])?\.start$/.test(f) || f === "windows") return "start";
  if (/^windows(\[0\])?\.end$/.test(f)) return "end";
  if (/^windows(\[0\])?\.rrule$/.test(f)) return "repeat";
  return f;
};

type Props = { user: User; side: "offer" | "need"; onCreated: (l: S["Listing"]) => void };

export function ListingForm({ user, side, onCreated }: Props) {
  useNames();
  const poster = user.role === "admin" || user.role === "coordinator";
  const [orgId, setOrgId] = useState(user.me.org_id ?? "");
  const chosen = orgById(orgId) ?? (orgId === user.me.org_id ? user.org : undefined);
  const [category, setCategory] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [quantity, setQuantity] = useState("1");
  const [address, setAddress] = useState(chosen?.location?.address || chosen?.address || "");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [repeat, setRepeat] = useState<Repeat>("none");
  const [days, setDays] = useState<Day[]>([]);
  const [until, setUntil] = useState("");
  const [visibility, setVisibility] = useState<"public" | "street">("public");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setAddress(chosen?.location?.address || chosen?.address || "");
  }, [orgId, !!chosen]);
  useEffect(() => {
    const cats = categoryList();
    if (!category && cats.length) setCategory(cats[0].code ?? "");
  });

  const rule = buildRule(repeat, days, until);
  const preview = useMemo(
    () => (start && end ? windowInWords({ start: fromLocalInput(start), end: fromLocalInput(end), rrule: rule }, true) : ""),
    [start, end, rule],
  );

  const chooseRepeat = (r: Repeat) => {
    setRepeat(r);
    if (r === "weekly" && days.length === 0 && start) setDays([jsToDay[parts(fromLocalInput(start)).wd]]);
  };

  const location = (): S["Location"] | undefined => {
    const street = orgById(chosen?.street_id ?? undefined);
    const loc = chosen?.location ?? street?.location ?? user.org?.location;
    if (!loc) return address ? ({ address } as S["Location"]) : undefined;
    return { lat: loc.lat, lng: loc.lng, address: address || loc.address };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    // Without any location known the server names location.lat, shown beside 地址.
    const body: S["ListingCreateRequest"] = {
      category,
      title,
      description: description || undefined,
      quantity: Number(quantity),
      location: location() as S["Location"],
      // The API's default radius; the document lists radius_km as required in a create request.
      radius_km: 3,
      windows: [{ start: fromLocalInput(start), end: fromLocalInput(end), rrule: rule || undefined }],
      visibility,
      valid_until: until ? `${until}T23:59:59+08:00` : undefined,
      org_id: poster && orgId && orgId !== user.me.org_id ? orgId : undefined,
    };
    try {
      const l =
        side === "offer" ? await must(api.POST("/api/v1/offers", { body })) : await must(api.POST("/api/v1/needs", { body }));
      onCreated(l);
      setTitle("");
      setDescription("");
    } catch (err) {
      if (err instanceof ApiError) {
        const fe: Record<string, string> = {};
        const rest: string[] = [];
        for (const [f, m] of Object.entries(err.fieldErrors())) {
          const k = fieldOf(f);
          if (["category", "title", "description", "quantity", "address", "start", "end", "repeat", "valid_until", "visibility", "org_id"].includes(k)) fe[k] = fe[k] ?? m;
          else rest.push(m);
        }
        setErrors(fe);
        if (Object.keys(fe).length === 0 || rest.length) setError(err);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const streetOrgs = orgList().filter((o) => o.kind !== "district" && (user.role === "admin" || o.street_id === user.org?.street_id || o.id === user.me.org_id));
  return (
    <form class="card listing-form" onSubmit={submit} noValidate aria-labelledby="lf-h">
      <h2 id="lf-h">{t(side === "offer" ? "listing.newOffer" : "listing.newNeed")}</h2>
      <div class="grid">
        {poster && (
          <Field label={t("listing.org")} error={errors.org_id}>
            {(id, d, inv) => (
              <select id={id} aria-describedby={d} aria-invalid={inv} value={orgId} onChange={(e) => setOrgId(e.currentTarget.value)}>
                {user.org && <option value={user.org.id}>{user.org.name}</option>}
                {streetOrgs
                  .filter((o) => o.id !== user.me.org_id)
                  .map((o) => (
                    <option value={o.id}>{o.name}</option>
                  ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t("listing.category")} error={errors.category}>
          {(id, d, inv) => (
            <select id={id} aria-describedby={d} aria-invalid={inv} value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
              {categoryList().map((c) => (
                <option value={c.code}>{catName(c.code)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("listing.title")} error={errors.title}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
        </Field>
        <Field label={t("listing.quantity")} error={errors.quantity}>
          {(id, d, inv) => (
            <input id={id} aria-describedby={d} aria-invalid={inv} type="number" min={1} inputMode="numeric" value={quantity} onInput={(e) => setQuantity(e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t("listing.address")} error={errors.address} hint={t("listing.addressHint")}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} value={address} onInput={(e) => setAddress(e.currentTarget.value)} />}
        </Field>
        <Field label={t("listing.start")} error={errors.start}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} type="datetime-local" value={start} onInput={(e) => setStart(e.currentTarget.value)} />}
        </Field>
        <Field label={t("listing.end")} error={errors.end}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} type="datetime-local" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />}
        </Field>
        <Field label={t("listing.repeat")} error={errors.repeat}>
          {(id, d, inv) => (
            <select id={id} aria-describedby={d} aria-invalid={inv} value={repeat} onChange={(e) => chooseRepeat(e.currentTarget.value as Repeat)}>
              <option value="none">{t("repeat.none")}</option>
              <option value="daily">{t("repeat.daily")}</option>
              <option value="weekly">{t("repeat.weekly")}</option>
              <option value="monthly">{t("repeat.monthly")}</option>
            </select>
          )}
        </Field>
        {repeat === "weekly" && (
          <fieldset class="days">
            <legend>{t("listing.days")}</legend>
            {DAYS.map((d) => (
              <label class="check">
                <input
                  type="checkbox"
                  checked={days.includes(d)}
                  onChange={(e) => setDays(e.currentTarget.checked ? [...days, d] : days.filter((x) => x !== d))}
                />
                {dayName(d)}
              </label>
            ))}
          </fieldset>
        )}
        <Field label={t("listing.until")} error={errors.valid_until}>
          {(id, d, inv) => <input id={id} aria-describedby={d} aria-invalid={inv} type="date" value={until} onInput={(e) => setUntil(e.currentTarget.value)} />}
        </Field>
        <Field label={t("listing.visibility")} error={errors.visibility}>
          {(id, d, inv) => (
            <select id={id} aria-describedby={d} aria-invalid={inv} value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as "public" | "street")}>
              <option value="public">{t("visibility.public")}</option>
              <option value="street">{t("visibility.street")}</option>
            </select>
          )}
        </Field>
        <Field label={t("listing.description")} error={errors.description}>
          {(id, d, inv) => <textarea id={id} aria-describedby={d} aria-invalid={inv} rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
        </Field>
      </div>
      <p class="rule-preview" aria-live="polite">
        {t("listing.rule")}
        <strong>{preview || "—"}</strong>
      </p>
      <ErrorBox error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {t("listing.publish")}
      </button>
    </form>
  );
}
