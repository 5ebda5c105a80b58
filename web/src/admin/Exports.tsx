/** One offboarding export: its manifest (files, rows, SHA-256) and each file to download. */
import { useEffect, useState } from "preact/hooks";
import { describe } from "../components/Field";
import { adminApi, downloadExportFile, type ExportManifest } from "./api";
import { ErrorText, when } from "./common";
import { saveBlob as save } from "../download";

/** The manifest is written last: until then the export's files exist but it does not. */
const MANIFEST_RETRY_MS = 2000;

export function Exports({ exportId }: { exportId: string }) {
  const [manifest, setManifest] = useState<ExportManifest | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [said, setSaid] = useState("");

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      adminApi.manifest(exportId).then(
        (m) => live && setManifest(m),
        (err: Error & { status?: number }) => {
          if (!live) return;
          if (err.status === 404) timer = setTimeout(load, MANIFEST_RETRY_MS);
          else setError(err);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [exportId]);

  async function download(name: string) {
    setSaid(`Downloading ${name}…`);
    try {
      save(await downloadExportFile(exportId, name), name);
      setSaid(`${name} downloaded.`);
    } catch (err) {
      setSaid(`${name} could not be downloaded: ${describe(err as Error)}`);
    }
  }

  return (
    <article class="export" aria-labelledby={`export-${exportId}`} data-export={exportId}>
      <h3 id={`export-${exportId}`}>
        <code>{exportId}</code>
        {manifest && <span class="muted"> · written {when(manifest.createdAt)}</span>}
      </h3>
      <ErrorText error={error} />
      {!manifest && !error && <p role="status">The export is being written…</p>}
      {manifest && (
        <>
          <div class="form-actions">
            <button type="button" class="download-manifest" onClick={() => save(new Blob([JSON.stringify(manifest, null, 2)], { type: "application/json" }), `${exportId}-manifest.json`)}>
              Download the manifest
            </button>
          </div>
          <div class="table-wrap">
            <table class="export-files rows-on-phone">
              <caption class="visually-hidden">Files of export {exportId}</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">What</th>
                  <th scope="col" class="num">
                    Rows
                  </th>
                  <th scope="col" class="num">
                    Bytes
                  </th>
                  <th scope="col">Download</th>
                </tr>
              </thead>
              <tbody>
                {manifest.files.map((f) => (
                  <tr key={f.name}>
                    <td data-label="File">
                      <code>{f.name}</code>
                    </td>
                    <td data-label="What">
                      {f.store} · {f.table}
                    </td>
                    <td data-label="Rows" class="num">
                      {f.rows.toLocaleString()}
                    </td>
                    <td data-label="Bytes" class="num">
                      {f.bytes.toLocaleString()}
                    </td>
                    <td data-label="Download">
                      <button type="button" class="download-file" data-file={f.name} onClick={() => void download(f.name)} aria-label={`Download ${f.name}`}>
                        Download
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p role="status" class="muted">
            {said}
          </p>
        </>
      )}
    </article>
  );
}
