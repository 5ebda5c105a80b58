/** A tenant's lifecycle: suspend / resume, offboarding (typed confirmation), the runs, deletion certificates. */
import { useEffect, useState } from "preact/hooks";
import type { DeletionCertificate, TenantLifecycle, TenantSummary, WorkflowState } from "../../../domain/schemas/operator";
import { ApiError } from "../api";
import { describe, Field, FormError } from "../components/Field";
import { operatorApi } from "./api";
import { when } from "./format";

export function Suspension({ tenant, onChanged }: { tenant: TenantSummary; onChanged: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  if (tenant.status !== "active" && tenant.status !== "suspended") return null;
  const suspended = tenant.status === "suspended";
  const submit = async (e: Event) => {
    e.preventDefault();
    const reason = ((e.currentTarget as HTMLFormElement).elements.namedItem("reason") as HTMLInputElement).value.trim();
    setBusy(true);
    setError(null);
    try {
      await (suspended ? operatorApi.resume : operatorApi.suspend)(tenant.id, reason ? { reason } : {});
      onChanged();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="suspension-heading">
      <h2 id="suspension-heading">{suspended ? "Resume" : "Suspend"}</h2>
      <p class="muted">
        {suspended
          ? "The tenant is suspended: its API answers 403 (the owner's exports excepted) and its hub refuses MQTT connections."
          : "Suspending stops the tenant at once: its API answers 403 (the owner's exports excepted) and its hub closes every MQTT connection."}
      </p>
      <form id="suspension-form" onSubmit={submit} noValidate>
        <Field label="Reason (kept in the tenant's audit log)" name="reason" error={error instanceof ApiError ? error : null}>
          {(a) => <input {...a} maxLength={500} />}
        </Field>
        <FormError error={error} />
        <div class="form-actions">
          <button type="submit" id={suspended ? "resume-tenant" : "suspend-tenant"} class={suspended ? "primary" : "danger"} disabled={busy}>
            {suspended ? "Resume tenant" : "Suspend tenant"}
          </button>
        </div>
      </form>
    </section>
  );
}

export function Offboard({ tenant, onStarted }: { tenant: TenantSummary; onStarted: () => void }) {
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  if (!["active", "suspended"].includes(tenant.status)) return null;
  const apiError = error instanceof ApiError ? error : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    const hours = ((e.currentTarget as HTMLFormElement).elements.namedItem("downloadWindowHours") as HTMLInputElement).value.trim();
    setBusy(true);
    setError(null);
    try {
      await operatorApi.offboard(tenant.id, { confirm: typed, downloadWindowHours: hours === "" ? undefined : Number(hours) });
      onStarted();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card danger-zone" aria-labelledby="offboard-heading">
      <h2 id="offboard-heading">Offboard</h2>
      <p>Offboarding exports all of the tenant's data, keeps the export for the owner's download window, then deletes everything and issues a signed deletion certificate. It cannot be undone.</p>
      <form id="offboard-form" class="grid-form" onSubmit={submit} noValidate>
        <Field label={`Type the tenant id (${tenant.id}) to confirm`} name="confirm" error={apiError}>
          {(a) => <input {...a} autocomplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label="Download window (hours)" name="downloadWindowHours" error={apiError} hint="how long the owner can download the export before deletion; 0 deletes at once">
          {(a) => <input {...a} type="number" min={0} max={720} defaultValue="168" />}
        </Field>
        <FormError error={error} id="offboard-error" />
        <div class="form-actions">
          <button type="submit" id="offboard-tenant" class="danger" disabled={busy || typed !== tenant.id}>
            Offboard {tenant.id}
          </button>
        </div>
      </form>
    </section>
  );
}

const RUNNING = new Set(["queued", "running", "waiting", "paused", "waitingForPause", "unknown"]);
const isRunning = (w: WorkflowState) => w !== null && RUNNING.has(w.status);

/** The onboarding and offboarding runs; polled every 2 s while one is still going. */
export function LifecycleRuns({ id, refreshKey, onChange }: { id: string; refreshKey: number; onChange: (l: TenantLifecycle) => void }) {
  const [lifecycle, setLifecycle] = useState<TenantLifecycle | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    operatorApi.lifecycle(id).then(
      (l) => {
        if (!live) return;
        setLifecycle(l);
        setError(null);
        onChange(l);
      },
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [id, refreshKey, tick]);
  const going = lifecycle && (isRunning(lifecycle.onboarding) || isRunning(lifecycle.offboarding) || lifecycle.tenant.status === "offboarding");
  useEffect(() => {
    if (!going) return;
    const timer = setTimeout(() => setTick((t) => t + 1), 2000);
    return () => clearTimeout(timer);
  }, [going, lifecycle]);

  return (
    <section class="card" aria-labelledby="runs-heading">
      <h2 id="runs-heading">Lifecycle runs</h2>
      {error && <p class="error">{describe(error)}</p>}
      <dl class="runs" id="lifecycle-runs">
        <Run label="Onboarding" run={lifecycle?.onboarding ?? null} loading={!lifecycle} kind="onboarding" />
        <Run label="Offboarding" run={lifecycle?.offboarding ?? null} loading={!lifecycle} kind="offboarding" />
      </dl>
    </section>
  );
}

function Run({ label, run, loading, kind }: { label: string; run: WorkflowState; loading: boolean; kind: string }) {
  return (
    <div class="run" data-run={kind}>
      <dt>{label}</dt>
      <dd>
        {loading ? (
          "…"
        ) : run ? (
          <span class={`status run-${run.status}`} data-cell="run-status">
            {run.status}
          </span>
        ) : (
          <span class="muted">no run</span>
        )}
        {run && <code class="muted run-id"> {run.id}</code>}
        {run?.error && (
          <p class="error">
            {run.error.name}: {run.error.message}
          </p>
        )}
      </dd>
    </div>
  );
}

export function Certificates({ id, refreshKey }: { id: string; refreshKey: number }) {
  const [items, setItems] = useState<DeletionCertificate[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    let live = true;
    operatorApi.certificates(id).then(
      (c) => live && (setItems(c.items), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [id, refreshKey]);
  return (
    <section class="card" aria-labelledby="certificates-heading">
      <h2 id="certificates-heading">Deletion certificates</h2>
      {error && <p class="error">{describe(error)}</p>}
      {items?.length === 0 && <p class="muted">None: a certificate is issued when offboarding has deleted everything.</p>}
      <ul class="certificates" id="certificates">
        {items?.map((c) => (
          <Certificate key={c.id} certificate={c} />
        ))}
      </ul>
    </section>
  );
}

function Certificate({ certificate: c }: { certificate: DeletionCertificate }) {
  const [href, setHref] = useState<string | null>(null);
  // The download is a Blob made here, so the certificate never travels in a URL.
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(c, null, 2)], { type: "application/json" }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [c.id]);
  return (
    <li data-certificate={c.id}>
      <p>
        <strong>{c.id}</strong> · issued {when(c.issuedAt)} · signature{" "}
        <span class={c.signatureValid ? "sig-ok" : "error"} data-cell="signature">
          {c.signatureValid ? "valid" : "not valid with the current key"}
        </span>
      </p>
      <p class="muted">
        Deleted {when(c.claims.deletedAt)} at the request of {c.claims.requestedBy.type} {c.claims.requestedBy.id}; export manifest SHA-256 <code class="hash">{c.manifestSha256}</code>
      </p>
      <details>
        <summary>View the certificate</summary>
        <pre class="certificate-claims">{JSON.stringify(c.claims, null, 2)}</pre>
      </details>
      {href && (
        <a class="button-link" href={href} download={`deletion-certificate-${c.tenantId}-${c.id}.json`} id={`download-${c.id}`}>
          Download (JSON with the signed JWS)
        </a>
      )}
    </li>
  );
}
