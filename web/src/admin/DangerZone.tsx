/**
 * Danger zone (OWNER): offboarding — freeze the workspace, export everything, give the owner a
 * download window, then delete it all — behind a typed confirmation of the workspace id; and the
 * exports it produced, to download file by file.
 */
import { useEffect, useState } from "preact/hooks";
import { DEFAULT_DOWNLOAD_WINDOW_HOURS, MAX_DOWNLOAD_WINDOW_HOURS } from "../../../domain/lifecycle/policy";
import { ApiError } from "../api";
import { Field, FormError } from "../components/Field";
import { adminApi } from "./api";
import { ErrorText, PageHead } from "./common";
import { Exports } from "./Exports";

/** While an export is being written, look for it this often. */
const POLL_MS = 2000;

export function DangerZone({ tenantId }: { tenantId: string }) {
  const [confirm, setConfirm] = useState("");
  const [hours, setHours] = useState(String(DEFAULT_DOWNLOAD_WINDOW_HOURS));
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<{ workflow: { id: string; status: string }; notice: string } | null>(null);
  const [exportIds, setExportIds] = useState<string[] | null>(null);
  const [exportsError, setExportsError] = useState<Error | null>(null);

  const loadExports = async () => {
    try {
      setExportIds((await adminApi.exports()).items.map((e) => e.id));
      setExportsError(null);
    } catch (err) {
      setExportsError(err as Error);
    }
  };
  useEffect(() => void loadExports(), []);
  // After offboarding starts, the export appears when the workflow has written it.
  useEffect(() => {
    if (!started || (exportIds && exportIds.length > 0)) return;
    const timer = setInterval(() => void loadExports(), POLL_MS);
    return () => clearInterval(timer);
  }, [started, exportIds?.length]);

  const matches = confirm === tenantId;
  async function offboard(e: SubmitEvent) {
    e.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(null);
    try {
      const { workflow, notice } = await adminApi.offboard({ confirm, downloadWindowHours: hours.trim() === "" ? DEFAULT_DOWNLOAD_WINDOW_HOURS : Number(hours) });
      setStarted({ workflow, notice });
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section id="danger-zone-view" aria-labelledby="page-title">
      <PageHead id="danger-zone-head" title="Danger zone">
        Actions that cannot be undone.
      </PageHead>
      {started ? (
        <section class="card danger-card" id="offboarding-started" aria-labelledby="offboarding-started-title">
          <h2 id="offboarding-started-title" tabIndex={-1}>
            Offboarding has started
          </h2>
          <p>
            The workspace <code>{tenantId}</code> is frozen: the API and MQTT refuse it from now on. Everything is exported, then deleted for good, and a deletion certificate is kept.
          </p>
          {/* The server's word on the download: with a 0-hour window there is none. */}
          <p id="offboarding-notice">{started.notice}</p>
          <p class="muted">
            Workflow <code id="offboarding-workflow">{started.workflow.id}</code>, status <span id="offboarding-status">{started.workflow.status}</span>.
          </p>
        </section>
      ) : (
        <section class="card danger-card" aria-labelledby="offboard-title">
          <h2 id="offboard-title">Delete this workspace</h2>
          <p>Offboarding freezes the workspace at once (devices are disconnected, the API refuses it), exports every device, dashboard, member and reading for you to download, and deletes everything when the download window closes.</p>
          <form id="offboard-form" class="grid-form" onSubmit={offboard} noValidate>
            <Field label={`Type the workspace id (${tenantId}) to confirm`} name="confirm" error={apiError}>
              {(a) => <input {...a} value={confirm} onInput={(e) => setConfirm((e.currentTarget as HTMLInputElement).value)} autocomplete="off" autocapitalize="off" spellcheck={false} />}
            </Field>
            <Field label="Download window (hours)" name="downloadWindowHours" error={apiError} hint={`0–${MAX_DOWNLOAD_WINDOW_HOURS}; the export stays downloadable this long (0: deleted at once, no download)`}>
              {(a) => <input {...a} type="number" inputMode="numeric" min={0} max={MAX_DOWNLOAD_WINDOW_HOURS} value={hours} onInput={(e) => setHours((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
            <div class="form-actions">
              <button type="submit" class="danger" id="offboard" disabled={!matches || busy} aria-describedby="offboard-why">
                Offboard and delete {tenantId}
              </button>
              <span id="offboard-why" class="muted">
                {matches ? "This cannot be undone." : "Enabled once the id matches."}
              </span>
            </div>
            <FormError error={error} id="offboard-error" />
          </form>
        </section>
      )}
      <section class="card" aria-labelledby="exports-title" id="exports">
        <h2 id="exports-title">Exports</h2>
        <ErrorText error={exportsError} />
        {exportIds === null && !exportsError && <p role="status">Loading…</p>}
        {exportIds?.length === 0 && (
          <p class="muted" role="status">
            {started ? "The export is being written…" : "No exports yet. Offboarding writes one."}
          </p>
        )}
        {exportIds?.map((id) => (
          <Exports key={id} exportId={id} />
        ))}
      </section>
    </section>
  );
}
