// Small building blocks: fields with their error beside them, alerts, loading and empty states,
// scrollable tables and the confirmation dialog.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { t } from "../i18n";

let seq = 0;
export const useId = (prefix: string) => useRef(`${prefix}-${++seq}`).current;

type FieldProps = {
  label: string;
  error?: string;
  hint?: string;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => JSX.Element;
};

/** Field labels its control and shows the server's message for it beside it. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId("f");
  const desc = [error ? id + "-err" : "", hint ? id + "-hint" : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={"field" + (error ? " invalid" : "")}>
      <label for={id}>{label}</label>
      {children(id, desc, !!error)}
      {hint && (
        <p class="hint" id={id + "-hint"}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={id + "-err"}>
          {error}
        </p>
      )}
    </div>
  );
}

export function ErrorBox({ error }: { error?: unknown }) {
  if (!error) return null;
  const msg = describe(error);
  return (
    <div class="alert" role="alert">
      {msg}
    </div>
  );
}

/** describe is the problem's localised detail, or a generic message. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t("error.network");
    return error.problem.detail || error.problem.title || t("error.generic");
  }
  return t("error.generic");
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t("state.loading")}
    </p>
  );
}

export function Empty({ children }: { children?: ComponentChildren }) {
  return <p class="empty">{children ?? t("state.empty")}</p>;
}

export function Notice({ text }: { text?: string }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {text ?? ""}
    </p>
  );
}

/** TableWrap scrolls a wide table on a narrow screen; it is focusable so keys scroll it. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

type Ask = {
  title: string;
  message?: string;
  confirm?: string;
  reason?: string; // label of a reason field, when one is asked for
  reasonRequired?: boolean;
  danger?: boolean;
};

/** useConfirm gives a modal dialog: await ask({...}) is the reason typed ("" without a field) or null. */
export function useConfirm(): [JSX.Element | null, (a: Ask) => Promise<string | null>] {
  const [state, setState] = useState<{ ask: Ask; done: (v: string | null) => void } | null>(null);
  const ask = (a: Ask) => new Promise<string | null>((done) => setState({ ask: a, done }));
  const el = state ? (
    <ConfirmDialog
      ask={state.ask}
      onDone={(v) => {
        state.done(v);
        setState(null);
      }}
    />
  ) : null;
  return [el, ask];
}

function ConfirmDialog({ ask, onDone }: { ask: Ask; onDone: (v: string | null) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const back = useRef<Element | null>(document.activeElement);
  const titleId = useId("dlg");
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => (back.current as HTMLElement | null)?.focus?.();
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    if (ask.reason && ask.reasonRequired && !reason.trim()) {
      setMissing(true);
      return;
    }
    onDone(reason.trim());
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onDone(null);
      }}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={titleId}>{ask.title}</h2>
        {ask.message && <p>{ask.message}</p>}
        {ask.reason && (
          <Field label={ask.reason} error={missing ? t("error.reasonRequired") : undefined}>
            {(id, desc, invalid) => (
              <textarea
                id={id}
                aria-describedby={desc}
                aria-invalid={invalid}
                rows={3}
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
                autoFocus
              />
            )}
          </Field>
        )}
        <div class="actions">
          <button type="submit" class={ask.danger ? "danger" : "primary"}>
            {ask.confirm ?? t("action.confirm")}
          </button>
          <button type="button" onClick={() => onDone(null)}>
            {t("action.back")}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** useNow ticks every interval ms, for countdowns. */
export function useNow(interval = 30_000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const h = window.setInterval(() => setNow(Date.now()), interval);
    return () => window.clearInterval(h);
  }, [interval]);
  return now;
}

/** useAsync loads data and reloads when deps change or reload() is called. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1), set: (data: T) => setState({ data, loading: false }) };
}
