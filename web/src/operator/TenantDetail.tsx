/** One tenant for the operator: what it is and uses, its plan and limits, suspension, offboarding, runs, certificates. */
import { useEffect, useState } from "preact/hooks";
import type { TenantSummary } from "../../../domain/schemas/operator";
import { describe } from "../components/Field";
import { linkHandler } from "../router";
import { operatorApi } from "./api";
import { limitHitsOf, num, USAGE_LABELS, usageOf, when } from "./format";
import { Certificates, LifecycleRuns, Offboard, Suspension } from "./Lifecycle";
import { LimitsForm } from "./LimitsForm";

export function TenantDetail({ id }: { id: string }) {
  const [tenant, setTenant] = useState<TenantSummary | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [version, setVersion] = useState(0);
  const [limitsSaved, setLimitsSaved] = useState(false);
  const reload = () => setVersion((v) => v + 1);

  useEffect(() => {
    let live = true;
    operatorApi.tenant(id).then(
      (t) => live && (setTenant(t), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [id, version]);

  return (
    <section id="operator-tenant" aria-labelledby="page-title">
      <p>
        <a href="/operator" onClick={linkHandler("/operator")}>
          ← All tenants
        </a>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {tenant ? tenant.name : id} <code class="muted">{id}</code>
      </h1>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {!tenant && !error && <p role="status">Loading…</p>}
      {tenant && (
        <>
          <dl class="stats" id="tenant-facts">
            <div class="card">
              <dt>Status</dt>
              <dd id="tenant-status" class={`tenant-status-${tenant.status}`}>
                {tenant.status}
              </dd>
            </div>
            <div class="card">
              <dt>Plan</dt>
              <dd id="tenant-plan">{tenant.plan}</dd>
            </div>
            <div class="card">
              <dt>Devices</dt>
              <dd>
                {num(tenant.deviceCount)} <span class="muted">of {num(tenant.effectiveLimits.maxDevices)}</span>
              </dd>
            </div>
            <div class="card">
              <dt>Region</dt>
              <dd>{tenant.region}</dd>
            </div>
          </dl>
          <p class="muted">
            Created {when(tenant.createdAt)}, changed {when(tenant.updatedAt)}
            {tenant.deletedAt ? `, deleted ${when(tenant.deletedAt)}` : ""}.
          </p>
          <section class="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading">This month's usage</h2>
            <dl class="usage-list" id="tenant-usage">
              {USAGE_LABELS.map(([metric, label]) => (
                <div key={metric}>
                  <dt>{label}</dt>
                  <dd>
                    {num(usageOf(tenant, metric))}
                    {metric === "messages_received" && <span class="muted"> of {num(tenant.effectiveLimits.monthlyMessageQuota)}</span>}
                  </dd>
                </div>
              ))}
              {limitHitsOf(tenant).map(([limit, n]) => (
                <div key={limit}>
                  <dt>
                    Limit hits: <code>{limit}</code>
                  </dt>
                  <dd>{num(n)}</dd>
                </div>
              ))}
            </dl>
          </section>
          <LimitsForm key={tenant.updatedAt} tenant={tenant} saved={limitsSaved} setSaved={setLimitsSaved} onSaved={reload} />
          <Suspension tenant={tenant} onChanged={reload} />
          <LifecycleRuns id={id} refreshKey={version} onChange={(l) => l.tenant.status !== tenant.status && reload()} />
          <Certificates id={id} refreshKey={version} />
          <Offboard tenant={tenant} onStarted={reload} />
        </>
      )}
    </section>
  );
}
