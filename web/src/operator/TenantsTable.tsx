/** Every tenant: status, plan, effective limits, device count and this month's usage; search and paging. */
import { useEffect, useState } from "preact/hooks";
import { TenantStatus } from "../../../domain/schemas/identity";
import { describe } from "../components/Field";
import { linkHandler } from "../router";
import { operatorApi, type TenantListQuery, type TenantPage } from "./api";
import { CreateTenant } from "./CreateTenant";
import { num, usageOf } from "./format";

const PAGE_SIZE = 25;

export function TenantsTable() {
  const [filter, setFilter] = useState<Pick<TenantListQuery, "q" | "status">>({});
  // Cursors of the pages before this one, so "Previous" can go back (the API pages forward only).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<TenantPage | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [reload, setReload] = useState(0);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let live = true;
    operatorApi.tenants({ ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) }).then(
      (p) => live && (setPage(p), setError(null)),
      (err: Error) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [filter, cursor, reload]);

  const search = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const q = (form.elements.namedItem("q") as HTMLInputElement).value.trim();
    const status = (form.elements.namedItem("status") as HTMLSelectElement).value as TenantListQuery["status"] | "";
    setFilter({ ...(q ? { q } : {}), ...(status ? { status } : {}) });
    setCursors([undefined]);
  };

  return (
    <section id="operator-tenants" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Tenants
      </h1>
      <form class="operator-filter" role="search" aria-label="Find tenants" onSubmit={search}>
        <div class="field">
          <label for="tenant-q">Id or name</label>
          <input id="tenant-q" name="q" type="search" maxLength={64} />
        </div>
        <div class="field">
          <label for="tenant-status">Status</label>
          <select id="tenant-status" name="status">
            <option value="">any</option>
            {TenantStatus.options.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      <div class="table-wrap">
        <table id="tenant-table">
          <caption class="visually-hidden">Tenants, with this month's usage</caption>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Status</th>
              <th scope="col">Plan</th>
              <th scope="col">Devices</th>
              <th scope="col">Messages this month</th>
              <th scope="col">API requests</th>
              <th scope="col">Limits</th>
            </tr>
          </thead>
          <tbody id="tenant-rows">
            {page === null && !error && (
              <tr>
                <td colSpan={7}>Loading…</td>
              </tr>
            )}
            {page?.items.length === 0 && (
              <tr>
                <td colSpan={7}>No tenants match.</td>
              </tr>
            )}
            {page?.items.map((t) => {
              const href = `/operator/tenants/${encodeURIComponent(t.id)}`;
              const limits = t.effectiveLimits;
              return (
                <tr key={t.id} data-tenant={t.id}>
                  <td data-label="Tenant">
                    <span class="tenant-cell">
                      <a href={href} onClick={linkHandler(href)}>
                        {t.name}
                      </a>
                      <code class="muted">{t.id}</code>
                    </span>
                  </td>
                  <td data-label="Status">
                    <span class={`status tenant-status-${t.status}`} data-cell="status">
                      {t.status}
                    </span>
                  </td>
                  <td data-label="Plan" data-cell="plan">
                    {t.plan}
                  </td>
                  <td data-label="Devices">
                    <span data-cell="devices">
                      {num(t.deviceCount)} <span class="muted">of {num(limits.maxDevices)}</span>
                    </span>
                  </td>
                  <td data-label="Messages this month">
                    <span data-cell="messages">
                      {num(usageOf(t, "messages_received"))} <span class="muted">of {num(limits.monthlyMessageQuota)}</span>
                    </span>
                  </td>
                  <td data-label="API requests" data-cell="api-requests">
                    {num(usageOf(t, "api_requests"))}
                  </td>
                  <td data-label="Limits" class="limits-cell">
                    <span>
                      {num(limits.messagesPerSecond)} msg/s · {num(limits.maxConnections)} connections · {num(limits.apiRequestsPerMinute)} API/min
                      {Object.keys(t.limits).length > 0 && <span class="override-badge"> overridden</span>}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <nav class="form-actions pager" aria-label="Tenant pages">
        <button type="button" id="tenants-prev" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" id="tenants-next" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}>
          Next page
        </button>
      </nav>
      <CreateTenant onCreated={() => setReload((n) => n + 1)} />
    </section>
  );
}
