/** Device profiles: the list with each profile's metric schema; MEMBER and up create, edit and delete. */
import { useEffect, useState } from "preact/hooks";
import type { Role } from "../../../domain/roles";
import type { DeviceProfile } from "../../../domain/schemas/assets";
import { ConfirmAction } from "../components/ConfirmAction";
import { describe } from "../components/Field";
import { can } from "../roles";
import { profilesApi } from "./api";
import { ProfileForm } from "./ProfileForm";
import "./profiles.css";

function MetricSummary({ metrics }: { metrics: DeviceProfile["metrics"] }) {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return <span class="muted">any metric</span>;
  return (
    <ul class="metric-summary">
      {entries.map(([name, r]) => (
        <li key={name}>
          <code>{name}</code>
          {r.type && ` ${r.type}`}
          {r.unit && ` in ${r.unit}`}
          {(r.min !== undefined || r.max !== undefined) && ` ${r.min ?? "…"} to ${r.max ?? "…"}`}
        </li>
      ))}
    </ul>
  );
}

export function ProfilesPage({ role }: { role: Role }) {
  const [profiles, setProfiles] = useState<DeviceProfile[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const member = can(role, "MEMBER");
  const editingProfile = profiles?.find((p) => p.id === editing) ?? null;
  useEffect(() => {
    if (editing) document.getElementById("edit-profile-title")?.focus();
  }, [editing]);

  const load = (cursor?: string) =>
    profilesApi.list(cursor).then(
      (p) => {
        setProfiles((prev) => (cursor && prev ? [...prev, ...p.items] : p.items));
        setNext(p.nextCursor);
        setError(null);
      },
      (err: Error) => setError(err),
    );
  useEffect(() => void load(), []);

  return (
    <section id="profiles-view" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        Device profiles
      </h1>
      <p class="muted">A profile says which readings its devices may send (type, unit, range); readings outside it are rejected.</p>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      <div class="table-wrap">
        <table id="profile-table">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">Metrics</th>
              <th scope="col">Mountpoint</th>
              {member && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody id="profile-rows">
            {profiles?.length === 0 && (
              <tr>
                <td colSpan={member ? 5 : 4}>No profiles yet.</td>
              </tr>
            )}
            {profiles?.map((p) => (
              <tr key={p.id} data-profile={p.id}>
                <td data-label="Id">
                  <code>{p.id}</code>
                  {p.isDefault && <span class="status"> default</span>}
                </td>
                <td data-label="Name">{p.name}</td>
                <td data-label="Metrics">
                  <MetricSummary metrics={p.metrics} />
                </td>
                <td data-label="Mountpoint">{p.mountpoint ? <code>{p.mountpoint}</code> : "—"}</td>
                {member && (
                  <td data-label="Actions" class="row-actions">
                    <button type="button" class="edit-profile" aria-label={`Edit profile ${p.id}`} onClick={() => setEditing(p.id)}>
                      Edit
                    </button>
                    <ConfirmAction
                      label="Delete"
                      question={`Delete profile ${p.id}?`}
                      confirmLabel={`Delete ${p.id}`}
                      onConfirm={async () => {
                        try {
                          await profilesApi.remove(p.id);
                          await load();
                        } catch (err) {
                          setError(err as Error);
                        }
                      }}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Show more
        </button>
      )}
      {member && editingProfile && (
        <section class="card" aria-labelledby="edit-profile-title" id="edit-profile">
          <h2 id="edit-profile-title" tabIndex={-1}>
            Edit profile {editingProfile.id}
          </h2>
          <ProfileForm
            key={editingProfile.id}
            profile={editingProfile}
            onSaved={async () => {
              // The list is read again before the form closes: the row never shows the old schema.
              await load();
              setEditing(null);
            }}
            onCancel={() => setEditing(null)}
          />
        </section>
      )}
      {member ? (
        <section class="card" aria-labelledby="new-profile-title">
          <h2 id="new-profile-title">New profile</h2>
          <ProfileForm profile={null} onSaved={() => void load()} />
        </section>
      ) : (
        <p class="muted" id="profiles-viewer-note">
          Your role ({role}) can see profiles but not change them.
        </p>
      )}
    </section>
  );
}
