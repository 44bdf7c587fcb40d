import { useState } from "preact/hooks";
import { api, must } from "../api/client";
import { t } from "../i18n";
import { session } from "../session";
import { ErrorBox, Field } from "../components/ui";

export function Login({ flash, onLogin }: { flash: string; onLogin: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const tok = await must(api.POST("/api/v1/auth/login", { body: { username, password } }));
      session.start(tok);
      onLogin();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="login card">
      <h1>{t("login.title")}</h1>
      {flash && (
        <p class="notice" role="status">
          {flash}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <Field label={t("login.username")}>
          {(id) => (
            <input
              id={id}
              name="username"
              autoComplete="username"
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
              autoFocus
            />
          )}
        </Field>
        <Field label={t("login.password")}>
          {(id) => (
            <input
              id={id}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t("login.submit")}
        </button>
      </form>
    </section>
  );
}
