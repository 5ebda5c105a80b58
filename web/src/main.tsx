/**
 * The Skylark console: a Preact app served as Workers static assets (built by
 * scripts/build-web.mjs). It talks only to the public API (./api.ts).
 */
import "./locale-guard";
import { render } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { TenantView } from "../../domain/schemas/identity";
import { api, ApiError, currentSession, onSessionChange, sessionFrom, setSession, type Session } from "./api";
import { applyBrand, brandFrom, DEFAULT_BRAND, TENANT_CHANGED, type Brand } from "./branding";
import { describe } from "./components/Field";
import { Login } from "./components/Login";
import { AcceptInvitation, VerifyEmail } from "./components/MailLinks";
import { BrandMark, Shell, type Workspace } from "./components/Shell";
import { isOperatorPath, OperatorConsole } from "./operator/OperatorConsole";
import { HOME, pageFor, visiblePages } from "./pages";
import { asRole } from "./roles";
import { navigate, usePath } from "./router";
import "./styles/base.css";

function useSession(): Session | null {
  const [s, set] = useState(currentSession());
  useEffect(() => onSessionChange(set), []);
  return s;
}

function App() {
  const path = usePath();
  const session = useSession();
  // The host tenant's branding (null on the platform host); undefined while it loads.
  const [host, setHost] = useState<{ id: string; brand: Brand } | null | undefined>(undefined);
  const [view, setView] = useState<TenantView | null>(null);
  const [viewError, setViewError] = useState<Error | null>(null);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  // Only the API's 404 says "platform host": a network failure on a tenant's host must not turn it
  // into one (it would offer the platform's login and the operator console there).
  const [hostError, setHostError] = useState<Error | null>(null);
  const [hostAttempt, setHostAttempt] = useState(0);
  useEffect(() => {
    setHostError(null);
    api.branding().then(
      ({ tenant, branding }) => setHost({ id: tenant.id, brand: brandFrom(tenant.name, branding) }),
      (err: Error) => (err instanceof ApiError && err.status === 404 ? setHost(null) : setHostError(err)),
    );
  }, [hostAttempt]);

  // Signed in: the workspace and its branding; signed out: the host's.
  useEffect(() => {
    if (!session) {
      setView(null);
      return;
    }
    let live = true;
    setViewError(null);
    api.tenant().then(
      (v) => live && setView(v),
      (err: Error) => live && setViewError(err),
    );
    if (host === null)
      api.workspaces().then(
        (w) => live && setWorkspaces(w.items.map((i) => ({ id: i.tenant.id, name: i.tenant.name, role: i.role }))),
        () => {},
      );
    return () => {
      live = false;
    };
  }, [session?.token]);

  // Settings saved a new name or branding: read the workspace (and this host's login branding) again,
  // so the whole console wears it, the login page after a log-out included.
  useEffect(() => {
    const reread = () => {
      void api.tenant().then(setView, () => {});
      api.branding().then(
        ({ tenant, branding }) => setHost({ id: tenant.id, brand: brandFrom(tenant.name, branding) }),
        () => {},
      );
    };
    addEventListener(TENANT_CHANGED, reread);
    return () => removeEventListener(TENANT_CHANGED, reread);
  }, []);

  const brand: Brand = view ? brandFrom(view.tenant.name, view.tenant.branding) : (host?.brand ?? DEFAULT_BRAND);
  useEffect(() => applyBrand(brand), [brand.name, brand.logoUrl, brand.primaryColor, brand.accentColor]);

  // Move focus to the new page's heading, so keyboard and screen-reader users land on it.
  useEffect(() => {
    document.getElementById("page-title")?.focus();
  }, [path, view === null]);

  // A session that ends by itself (expired, revoked: the API said 401) is explained at the login;
  // one the user ended with "Log out" is not.
  const hadSession = useRef(false);
  const loggingOut = useRef(false);
  const logout = useCallback(() => {
    loggingOut.current = true;
    setSession(null);
    setWorkspaces([]);
    setNotice(null);
  }, []);
  useEffect(() => {
    if (session) hadSession.current = true;
    else if (hadSession.current) {
      hadSession.current = false;
      if (!loggingOut.current) setNotice("Your session has ended. Please log in again.");
      loggingOut.current = false;
    }
  }, [session]);

  if (path === "/verify-email")
    return (
      <Centered brand={brand}>
        <VerifyEmail />
      </Centered>
    );
  if (path === "/accept-invitation")
    return (
      <Centered brand={brand}>
        <AcceptInvitation onAccepted={() => setNotice(null)} />
      </Centered>
    );
  if (host === undefined && hostError)
    return (
      <Centered brand={DEFAULT_BRAND}>
        <p class="error" role="alert" id="host-error">
          {describe(hostError)}
        </p>
        <button type="button" onClick={() => setHostAttempt((n) => n + 1)}>
          Try again
        </button>
      </Centered>
    );
  if (host === undefined)
    return (
      <p class="loading" role="status">
        Loading…
      </p>
    );
  // The operator console lives on the platform host only; on a tenant host /operator is just a path.
  if (host === null && isOperatorPath(path)) return <OperatorConsole />;

  if (!session)
    return (
      <Centered brand={brand}>
        <Login
          brand={brand}
          hostTenant={host?.id ?? null}
          notice={notice}
          onLoggedIn={(_s, ws) => {
            setNotice(null);
            setWorkspaces(ws);
            if (path === "/" || path === "/login") navigate(HOME, { replace: true });
          }}
        />
      </Centered>
    );

  const role = asRole(view?.role ?? session.role);
  const { page, params } = pageFor(path, role);
  const switchTo = async (tenant: string) => {
    try {
      setSession(sessionFrom(await api.switchTenant({ tenant })));
    } catch (err) {
      setViewError(err as Error);
    }
  };

  return (
    <Shell
      brand={brand}
      tenantName={view?.tenant.name ?? session.tenant}
      tenantId={session.tenant}
      role={role}
      nav={visiblePages(role)}
      current={page.path}
      workspaces={workspaces}
      onSwitch={host === null ? (t) => void switchTo(t) : null}
      onLogout={() => logout()}
    >
      {viewError && (
        <p class="error" role="alert">
          {viewError instanceof ApiError && viewError.status === 403 ? `This workspace cannot be opened: ${viewError.detail}` : describe(viewError)}
        </p>
      )}
      {page.render({ role, session, view, params })}
    </Shell>
  );
}

function Centered({ brand, children }: { brand: Brand; children: preact.ComponentChildren }) {
  return (
    <>
      <header class="topbar">
        <BrandMark brand={brand} />
      </header>
      <main id="main" class="centered">
        {children}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
