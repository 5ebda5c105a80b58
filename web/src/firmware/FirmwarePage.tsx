/**
 * Firmware (`/firmware`, MEMBER and up): the tenant's artifacts with their size, digest, signature
 * and targets, the storage the plan allows, and the signing settings. An ADMIN uploads,
 * deprecates and deletes (a delete the API refuses, say because a rollout is installing the
 * artifact, shows the API's reason on the row).
 */
import type { Role } from "../../../domain/roles";
import { useEffect, useState } from "preact/hooks";
import { describe } from "../components/Field";
import { ConfirmAction } from "../components/ConfirmAction";
import { can } from "../roles";
import { bytes, firmwareApi, type Firmware, type FirmwareSigning, type Storage } from "./api";
import { SigningSettings } from "./SigningForm";
import { UploadForm } from "./UploadForm";
import "./firmware.css";

const STATUS_WORDS: Record<Firmware["status"], string> = { pending_upload: "waiting for its bytes", ready: "ready", deprecated: "deprecated" };

function targetsOf(fw: Firmware): string {
  const parts = [...fw.targets.profiles.map((p) => `profile ${p}`), ...fw.targets.tags.map((t) => `tag ${t}`)];
  return parts.length ? parts.join(", ") : "any device";
}

function StorageCard({ storage }: { storage: Storage }) {
  const share = storage.maxFirmwareStorageBytes ? Math.min(100, (storage.storedBytes / storage.maxFirmwareStorageBytes) * 100) : 0;
  return (
    <section class="card" aria-labelledby="fw-storage-title" id="firmware-storage">
      <h2 id="fw-storage-title">Storage</h2>
      <p>
        <span id="storage-used">{bytes(storage.storedBytes)}</span> of {bytes(storage.maxFirmwareStorageBytes)} used by {storage.artifacts} artifact{storage.artifacts === 1 ? "" : "s"}; one artifact may be up to{" "}
        {bytes(storage.maxArtifactBytes)}.
      </p>
      <progress max={100} value={share} aria-label="Firmware storage used">
        {share.toFixed(0)} %
      </progress>
    </section>
  );
}

function Row({ fw, admin, onChanged }: { fw: Firmware; admin: boolean; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      onChanged();
    } catch (err) {
      setError(describe(err as Error));
    }
  };
  return (
    <tr data-firmware={fw.id} data-status={fw.status}>
      <td data-label="Title">
        {fw.title}
        <div class="muted">
          <code>{fw.id}</code>
        </div>
      </td>
      <td data-label="Version">{fw.version}</td>
      <td data-label="Status">
        <span class={`status fw-${fw.status}`}>{STATUS_WORDS[fw.status]}</span>
      </td>
      <td data-label="Size">{bytes(fw.size)}</td>
      <td data-label="SHA-256">{fw.sha256 ? <code title={fw.sha256}>{fw.sha256.slice(0, 12)}…</code> : "—"}</td>
      <td data-label="Signed">{fw.signature ? "signed" : "unsigned"}</td>
      <td data-label="Targets">{targetsOf(fw)}</td>
      {admin && (
        <td data-label="Actions" class="fw-actions">
          {fw.status === "ready" && <ConfirmAction label="Deprecate" question={`Deprecate ${fw.version}? It can start no new rollouts.`} onConfirm={() => act(() => firmwareApi.deprecate(fw.id))} />}
          <ConfirmAction label="Delete" question={`Delete ${fw.version} and its bytes?`} confirmLabel="Delete" onConfirm={() => act(() => firmwareApi.remove(fw.id))} />
          {error && (
            <p class="error fw-row-error" role="alert">
              {error}
            </p>
          )}
        </td>
      )}
    </tr>
  );
}

export function FirmwarePage({ role }: { role: Role }) {
  const admin = can(role, "ADMIN");
  const [items, setItems] = useState<Firmware[] | null>(null);
  const [storage, setStorage] = useState<Storage | null>(null);
  const [signing, setSigning] = useState<FirmwareSigning | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<Firmware | null>(null);

  const load = async () => {
    try {
      const [page, store, sign] = await Promise.all([firmwareApi.list(), firmwareApi.storage(), firmwareApi.signing()]);
      setItems(page.items);
      setStorage(store);
      setSigning(sign);
      setError(null);
    } catch (err) {
      setError(describe(err as Error));
    }
  };
  useEffect(() => void load(), []);

  return (
    <section id="firmware-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Firmware
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {storage && <StorageCard storage={storage} />}
      {admin && (
        <section class="card">
          <UploadForm
            onUploaded={(fw) => {
              setUploaded(fw);
              void load();
            }}
          />
          {uploaded && (
            <p role="status" id="firmware-uploaded" class="notice">
              {uploaded.title} {uploaded.version} is ready: {bytes(uploaded.size)}, SHA-256 <code>{uploaded.sha256}</code>.
            </p>
          )}
        </section>
      )}
      <h2>Artifacts</h2>
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="muted" id="firmware-empty">
          No firmware yet.
        </p>
      ) : (
        <div class="table-wrap">
          <table id="firmware-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">Size</th>
                <th scope="col">SHA-256</th>
                <th scope="col">Signed</th>
                <th scope="col">Targets</th>
                {admin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody id="firmware-rows">
              {items.map((fw) => (
                <Row key={fw.id} fw={fw} admin={admin} onChanged={() => void load()} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {signing && <SigningSettings signing={signing} canEdit={admin} onSaved={setSigning} />}
    </section>
  );
}
