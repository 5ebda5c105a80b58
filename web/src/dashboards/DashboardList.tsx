/** Dashboards: the list (open, export), and for MEMBER and up create, import and delete. */
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { DashboardSummary } from "../../../domain/schemas/dashboards";
import { ApiError } from "../api";
import { describe, Field, FormError } from "../components/Field";
import { can } from "../roles";
import { linkHandler, navigate } from "../router";
import { dashboardsApi } from "./api";
import { downloadJson, exportFileName } from "./download";
import "./dashboards.css";

export function DashboardList({ role }: { role: Role }) {
  const [items, setItems] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const editor = can(role, "MEMBER");

  const load = useCallback(async () => {
    try {
      const all: DashboardSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await dashboardsApi.list(cursor);
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      setItems(all);
      setError(null);
    } catch (err) {
      setError(err as Error);
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function exportOne(d: DashboardSummary) {
    try {
      downloadJson(exportFileName(d.name), await dashboardsApi.exportDocument(d.id));
    } catch (err) {
      setError(err as Error);
    }
  }

  async function remove(d: DashboardSummary) {
    if (!confirm(`Delete the dashboard “${d.name}”? This cannot be undone.`)) return;
    try {
      await dashboardsApi.remove(d.id, `"${d.version}"`);
      setNotice(`Deleted “${d.name}”.`);
      await load();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 412 ? new Error(`“${d.name}” was changed by someone else since this list was loaded; the list is reloaded, check it and delete again.`) : (err as Error));
      if (err instanceof ApiError && err.status === 412) await load();
    }
  }

  return (
    <section id="dashboards-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Dashboards
      </h1>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div class="table-wrap">
        <table id="dashboard-table">
          <caption class="visually-hidden">Dashboards of this workspace</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Widgets</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody id="dashboard-rows">
            {items === null && !error && (
              <tr>
                <td colSpan={5}>Loading…</td>
              </tr>
            )}
            {items?.length === 0 && (
              <tr>
                <td colSpan={5}>No dashboards yet.</td>
              </tr>
            )}
            {items?.map((d) => (
              <tr key={d.id} data-dashboard={d.id}>
                <td data-label="Name">
                  <a href={`/dashboards/${encodeURIComponent(d.id)}`} onClick={linkHandler(`/dashboards/${encodeURIComponent(d.id)}`)}>
                    {d.name}
                  </a>
                </td>
                <td data-label="Description">{d.description || "—"}</td>
                <td data-label="Widgets">{d.widgetCount}</td>
                <td data-label="Updated">{new Date(d.updatedAt).toLocaleString()}</td>
                <td data-label="Actions" class="row-actions">
                  <button type="button" onClick={() => void exportOne(d)} aria-label={`Export ${d.name} as JSON`}>
                    Export
                  </button>
                  {editor && (
                    <button type="button" class="danger" onClick={() => void remove(d)} aria-label={`Delete ${d.name}`}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editor ? (
        <div class="dash-list-forms">
          <CreateDashboard />
          <ImportDashboard />
        </div>
      ) : (
        <p class="muted" id="viewer-note">
          Your role ({role}) can view and export dashboards but not create or change them.
        </p>
      )}
    </section>
  );
}

function CreateDashboard() {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const description = String(data.get("description") ?? "");
      const { dashboard } = await dashboardsApi.create({ name: String(data.get("name") ?? ""), description, timeRange: { relative: "1h" }, filter: {}, widgets: [] });
      navigate(`/dashboards/${encodeURIComponent(dashboard.id)}?edit`);
    } catch (err) {
      setError(err as Error);
      setBusy(false);
    }
  }
  return (
    <form id="create-dashboard" class="card grid-form" onSubmit={(e) => void submit(e as unknown as SubmitEvent)} aria-labelledby="create-dashboard-title" noValidate>
      <h2 id="create-dashboard-title">New dashboard</h2>
      <Field label="Name" name="name" error={error instanceof ApiError ? error : null}>
        {(a) => <input {...a} required maxLength={100} />}
      </Field>
      <Field label="Description" name="description" error={error instanceof ApiError ? error : null}>
        {(a) => <input {...a} maxLength={1000} />}
      </Field>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          Create and edit
        </button>
      </div>
    </form>
  );
}

function ImportDashboard() {
  const [error, setError] = useState<Error | null>(null);
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const file = (new FormData(e.currentTarget as HTMLFormElement).get("file") as File | null) ?? null;
    setError(null);
    if (!file || file.size === 0) return setError(new Error("Choose an exported dashboard file (.json) first."));
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      return setError(new Error(`${file.name} is not JSON: choose a file that “Export” wrote.`));
    }
    try {
      const { dashboard } = await dashboardsApi.importDocument(doc);
      navigate(`/dashboards/${encodeURIComponent(dashboard.id)}`);
    } catch (err) {
      setError(err as Error);
    }
  }
  return (
    <form id="import-dashboard" class="card" onSubmit={(e) => void submit(e as unknown as SubmitEvent)} aria-labelledby="import-dashboard-title">
      <h2 id="import-dashboard-title">Import</h2>
      <Field label="Exported dashboard (JSON)" name="file" hint="A file from “Export”; older versions are upgraded.">
        {(a) => <input {...a} type="file" accept="application/json,.json" />}
      </Field>
      <FormError error={error} />
      <div class="form-actions">
        <button type="submit">Import</button>
      </div>
    </form>
  );
}
