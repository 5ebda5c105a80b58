/**
 * The operator console, on the platform host under /operator: its own sign-in with the operator
 * token (memory only, see ./api.ts), the tenants table, and a tenant's detail page.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { linkHandler, navigate, usePath } from "../router";
import { isSignedIn, onOperatorChange, operatorApi, signOut } from "./api";
import { TenantDetail } from "./TenantDetail";
import { TenantMetrics } from "./TenantMetrics";
import { TenantsTable } from "./TenantsTable";
import "./operator.css";

const OPERATOR_PATH = "/operator";
export const isOperatorPath = (path: string) => path === OPERATOR_PATH || path.startsWith(`${OPERATOR_PATH}/`);
const TENANT_PREFIX = `${OPERATOR_PATH}/tenants/`;

export function OperatorConsole() {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(isSignedIn());
  const [notice, setNotice] = useState<string | null>(null);
  const wasSignedIn = useRef(signedIn);
  useEffect(
    () =>
      onOperatorChange((now) => {
        // Signed out by a 401 (not by the button): say why at the sign-in form.
        if (!now && wasSignedIn.current) setNotice((n) => n ?? "The operator token was refused. Please sign in again.");
        wasSignedIn.current = now;
        setSignedIn(now);
      }),
    [],
  );
  // Land keyboard and screen-reader users on the new view's heading.
  useEffect(() => {
    document.getElementById("page-title")?.focus();
  }, [path, signedIn]);

  const tenantId = path.startsWith(TENANT_PREFIX) ? decodeURIComponent(path.slice(TENANT_PREFIX.length).split("/")[0] ?? "") : null;
  return (
    <>
      <header class="topbar">
        <a class="brand" href={OPERATOR_PATH} onClick={linkHandler(OPERATOR_PATH)}>
          <strong id="brand-name">Skylark</strong>
        </a>
        <span class="role">OPERATOR</span>
        {signedIn && (
          <div class="topbar-end">
            <button
              type="button"
              id="operator-sign-out"
              onClick={() => {
                wasSignedIn.current = false;
                setNotice(null);
                signOut();
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" class={`operator-main${signedIn ? "" : " centered"}`} tabIndex={-1}>
        {!signedIn ? (
          <OperatorSignIn notice={notice} onSignedIn={() => setNotice(null)} />
        ) : tenantId ? (
          <TenantDetail key={tenantId} id={tenantId} />
        ) : (
          <>
            <TenantsTable />
            <TenantMetrics />
          </>
        )}
      </main>
    </>
  );
}

function OperatorSignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem("token") as HTMLInputElement;
    setBusy(true);
    setError(null);
    try {
      await operatorApi.signIn(input.value);
      // The token is kept in memory by the API module; the field is cleared so it lingers nowhere else.
      input.value = "";
      onSignedIn();
      if (location.pathname !== OPERATOR_PATH && !location.pathname.startsWith(TENANT_PREFIX)) navigate(OPERATOR_PATH, { replace: true });
    } catch (err) {
      const e2 = err as ApiError;
      setError(e2.status === 401 ? new Error("That is not the operator token. Check it and try again.") : e2);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section id="operator-sign-in" aria-labelledby="page-title" class="card">
      <h1 id="page-title" tabIndex={-1}>
        Operator sign-in
      </h1>
      <p class="muted">
        The platform operator manages every tenant. Sign in with the operator token (the <code>OPERATOR_TOKEN</code> secret); it is kept in this tab's memory only.
      </p>
      {notice && (
        <p class="notice" role="status" id="operator-notice">
          {notice}
        </p>
      )}
      <form id="operator-sign-in-form" onSubmit={submit} noValidate>
        <Field label="Operator token" name="token" error={error instanceof ApiError ? error : null}>
          {(attrs) => <input {...attrs} type="password" autocomplete="off" spellcheck={false} required />}
        </Field>
        <FormError error={error} id="operator-sign-in-error" />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </div>
      </form>
    </section>
  );
}
