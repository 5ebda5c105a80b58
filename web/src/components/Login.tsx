/** The login page: wears the host tenant's branding; asks for the tenant only on the platform host. */
import { useRef, useState } from "preact/hooks";
import { api, ApiError, sessionFrom, setSession, type Session } from "../api";
import type { Brand } from "../branding";
import { Field, FormError } from "./Field";

type Props = { brand: Brand; hostTenant: string | null; notice?: string | null; onLoggedIn: (s: Session, workspaces: { id: string; name: string; role: string }[]) => void };

export function Login({ brand, hostTenant, notice, onLoggedIn }: Props) {
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const tenant = String(data.get("tenant") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const res = await api.login({ email: String(data.get("email") ?? ""), password: String(data.get("password") ?? ""), ...(tenant ? { tenant } : {}) });
      const session = sessionFrom(res);
      setSession(session);
      onLoggedIn(session, res.workspaces);
    } catch (err) {
      setError(err as Error);
      // Put the keyboard where the problem is: the first field the error names, else the email.
      const field = err instanceof ApiError ? err.fields[0]?.field : undefined;
      form.current?.querySelector<HTMLInputElement>(`[name="${field ?? "email"}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section id="login-view" class="card narrow" aria-labelledby="login-title">
      <h1 id="login-title" tabIndex={-1}>
        Log in to {brand.name}
      </h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form id="login-form" ref={form} onSubmit={submit} noValidate>
        <Field label="Email" name="email" error={apiError}>
          {(a) => <input {...a} type="email" autocomplete="username" required />}
        </Field>
        <Field label="Password" name="password" error={apiError}>
          {(a) => <input {...a} type="password" autocomplete="current-password" required />}
        </Field>
        {!hostTenant && (
          <Field label="Tenant" name="tenant" error={apiError} hint="Optional: the workspace id, e.g. acme. Without it you land where you last worked.">
            {(a) => <input {...a} autocapitalize="off" spellcheck={false} />}
          </Field>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <FormError error={error} id="login-error" />
      </form>
      <p class="muted">
        API reference: <a href="/api/v1/docs">/api/v1/docs</a>
      </p>
    </section>
  );
}
