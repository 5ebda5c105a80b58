/** Assets and their sensors: every asset as a card with its sensors; MEMBER and up create, edit and delete. */
import { useEffect, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { Asset } from "../../../domain/schemas/assets";
import { ConfirmAction } from "../components/ConfirmAction";
import { describe } from "../components/Field";
import { can } from "../roles";
import { assetsApi } from "./api";
import { AssetForm } from "./AssetForm";
import { Sensors } from "./Sensors";
import "./assets.css";

export function AssetsPage({ role }: { role: Role }) {
  const [assets, setAssets] = useState<Asset[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const member = can(role, "MEMBER");

  const load = (cursor?: string) =>
    assetsApi.list(cursor).then(
      (p) => {
        setAssets((prev) => (cursor && prev ? [...prev, ...p.items] : p.items));
        setNext(p.nextCursor);
        setError(null);
      },
      (err: Error) => setError(err),
    );
  useEffect(() => void load(), []);

  return (
    <section id="assets-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Assets
      </h1>
      <p class="muted">Things you track (a truck, a building) and the sensors on them, which devices report as telemetry.</p>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {assets?.length === 0 && <p class="muted">No assets yet.</p>}
      <div class="asset-list" id="asset-list">
        {assets?.map((a) => (
          <article class="card asset" key={a.id} data-asset={a.id} aria-labelledby={`asset-${a.id}-title`}>
            <header class="asset-head">
              <h2 id={`asset-${a.id}-title`}>
                {a.name} <code>{a.id}</code>
              </h2>
              <span class="muted">
                {a.type}
                {a.location && ` · ${a.location.lat}, ${a.location.lon}`}
              </span>
              {member && editing !== a.id && (
                <span class="row-actions">
                  <button type="button" aria-label={`Edit asset ${a.id}`} onClick={() => setEditing(a.id)}>
                    Edit
                  </button>
                  <ConfirmAction
                    label="Delete"
                    question={`Delete asset ${a.id} and its sensors?`}
                    confirmLabel={`Delete ${a.id}`}
                    onConfirm={async () => {
                      try {
                        await assetsApi.remove(a.id);
                        await load();
                      } catch (err) {
                        setError(err as Error);
                      }
                    }}
                  />
                </span>
              )}
            </header>
            {a.description && <p>{a.description}</p>}
            {editing === a.id && (
              <AssetForm
                asset={a}
                onSaved={() => {
                  setEditing(null);
                  void load();
                }}
                onCancel={() => setEditing(null)}
              />
            )}
            <h3>Sensors</h3>
            <Sensors assetId={a.id} canEdit={member} />
          </article>
        ))}
      </div>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Show more
        </button>
      )}
      {member ? (
        <section class="card" aria-labelledby="new-asset-title">
          <h2 id="new-asset-title">New asset</h2>
          <AssetForm asset={null} onSaved={() => void load()} />
        </section>
      ) : (
        <p class="muted" id="assets-viewer-note">
          Your role ({role}) can see assets but not change them.
        </p>
      )}
    </section>
  );
}
