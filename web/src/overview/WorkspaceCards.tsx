/** The workspace at a glance: plan, devices against the plan's limit, region, certificates expiring. */
import type { TenantView } from "../../../domain/schemas/identity";

/** `deviceTotal`: the fleet summary's count, fresher than the workspace view read at sign-in. */
export function WorkspaceCards({ view, deviceTotal }: { view: TenantView; deviceTotal: number }) {
  const { tenant, limits } = view;
  const used = limits.maxDevices > 0 ? Math.min(1, deviceTotal / limits.maxDevices) : 0;
  return (
    <section aria-labelledby="workspace-heading">
      <h2 id="workspace-heading">Workspace</h2>
      <dl class="stats" id="workspace-cards">
        <div class="card">
          <dt>Plan</dt>
          <dd id="overview-plan">{tenant.plan}</dd>
        </div>
        <div class="card">
          <dt>Devices of the plan's limit</dt>
          <dd id="overview-device-limit">
            {deviceTotal}
            <span class="muted"> of {limits.maxDevices}</span>
          </dd>
          <meter class="plan-meter" min={0} max={1} low={0.8} high={0.95} optimum={0} value={used} aria-label="Share of the device limit in use" />
        </div>
        <div class="card">
          <dt>Region</dt>
          <dd>{tenant.region}</dd>
        </div>
        <div class="card">
          <dt>Certificates expiring within 30 days</dt>
          <dd id="overview-certificates">{view.certificatesExpiringSoon}</dd>
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
