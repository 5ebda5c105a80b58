/** Overview: the workspace at a glance (plan, devices against the plan's limit, certificates). */
import type { TenantView } from "../../../domain/schemas/identity";

export function Overview({ view }: { view: TenantView }) {
  const { tenant, limits } = view;
  const maxDevices = limits.maxDevices;
  return (
    <section id="overview-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Overview
      </h1>
      <dl class="stats">
        <div class="card">
          <dt>Devices</dt>
          <dd>
            {view.deviceCount}
            {maxDevices !== undefined && <span class="muted"> of {maxDevices}</span>}
          </dd>
        </div>
        <div class="card">
          <dt>Plan</dt>
          <dd>{tenant.plan}</dd>
        </div>
        <div class="card">
          <dt>Region</dt>
          <dd>{tenant.region}</dd>
        </div>
        <div class="card">
          <dt>Certificates expiring within 30 days</dt>
          <dd>{view.certificatesExpiringSoon}</dd>
        </div>
      </dl>
      {tenant.status !== "active" && (
        <p class="notice" role="status">
          This workspace is {tenant.status}.
        </p>
      )}
    </section>
  );
}
