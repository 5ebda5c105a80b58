/**
 * Members and invitations. Everyone may see who is a member; ADMIN and up change roles, remove
 * members and invite (only an OWNER grants, changes or removes OWNER, as the API enforces).
 */
import { useState } from "preact/hooks";
import { ROLES, type Role } from "../../../domain/roles";
import { ApiError } from "../api";
import { ConfirmAction } from "../components/ConfirmAction";
import { Field, FormError } from "../components/Field";
import { can } from "../roles";
import { adminApi, type Invitation, type Member } from "./api";
import { EmptyRow, ErrorText, MoreButton, PageHead, ReadOnlyNote, usePaged, when } from "./common";

/** The roles this user may hand out: up to ADMIN, and OWNER only by an OWNER. */
const grantable = (role: Role) => ROLES.filter((r) => r !== "OWNER" || role === "OWNER");

export function Members({ role }: { role: Role }) {
  const admin = can(role, "ADMIN");
  const members = usePaged((cursor) => adminApi.members(cursor));
  const [said, setSaid] = useState("");
  const [actionError, setActionError] = useState<Error | null>(null);

  async function act(run: () => Promise<unknown>, done: string) {
    setActionError(null);
    setSaid("");
    try {
      await run();
      setSaid(done);
    } catch (err) {
      setActionError(err as Error);
    }
    await members.reload();
  }

  return (
    <section id="members-view" aria-labelledby="page-title">
      <PageHead id="members-head" title="Members">
        Who can use this workspace, and with which role.
      </PageHead>
      <ErrorText error={members.error} />
      <ErrorText error={actionError} id="member-error" />
      <p role="status" class="ok" id="member-status">
        {said}
      </p>
      <div class="table-wrap">
        <table id="member-table" class="rows-on-phone">
          <caption class="visually-hidden">Members of this workspace</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              {admin && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody id="member-rows">
            <EmptyRow items={members.items} cols={admin ? 5 : 4} empty="No members." />
            {members.items?.map((m) => (
              <MemberRow key={m.userId} member={m} admin={admin} myRole={role} act={act} />
            ))}
          </tbody>
        </table>
      </div>
      <MoreButton next={members.next} onMore={() => void members.more()} />
      {admin ? <Invitations role={role} /> : <ReadOnlyNote role={role} needs="ADMIN" what="invite people or change roles" />}
    </section>
  );
}

function MemberRow({ member: m, admin, myRole, act }: { member: Member; admin: boolean; myRole: Role; act: (run: () => Promise<unknown>, done: string) => Promise<void> }) {
  // An ADMIN cannot touch an OWNER; showing the controls would only earn a 403.
  const editable = admin && (m.role !== "OWNER" || myRole === "OWNER");
  return (
    <tr data-user={m.userId}>
      <td data-label="Email">{m.email}</td>
      <td data-label="Name">{m.name || "—"}</td>
      <td data-label="Role">
        {editable ? (
          <label class="inline-select">
            <span class="visually-hidden">Role of {m.email}</span>
            <select
              class="member-role"
              value={m.role}
              onChange={(e) => void act(() => adminApi.setRole(m.userId, { role: (e.currentTarget as HTMLSelectElement).value as Role }), `${m.email} is now ${(e.currentTarget as HTMLSelectElement).value}.`)}
            >
              {grantable(myRole).map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span class="badge">{m.role}</span>
        )}
      </td>
      <td data-label="Member since">{when(m.createdAt)}</td>
      {admin && (
        <td data-label="Actions">{editable && <ConfirmAction label="Remove" question={`Remove ${m.email}? Their API keys are revoked too.`} onConfirm={() => act(() => adminApi.removeMember(m.userId), `${m.email} was removed.`)} />}</td>
      )}
    </tr>
  );
}

function Invitations({ role }: { role: Role }) {
  const invitations = usePaged(() => adminApi.invitations());
  const [error, setError] = useState<Error | null>(null);
  const [said, setSaid] = useState("");
  const [busy, setBusy] = useState(false);
  const pending = invitations.items?.filter((i) => i.acceptedAt === null) ?? null;

  async function invite(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    setSaid("");
    try {
      const { invitation } = await adminApi.invite({ email: String(data.get("email") ?? ""), role: String(data.get("role")) as Role });
      form.reset();
      setSaid(`An invitation was mailed to ${invitation.email} (${invitation.role}).`);
      await invitations.reload();
    } catch (err) {
      setError(err as Error);
      if (err instanceof ApiError && err.fields[0]) form.querySelector<HTMLElement>(`[name="${err.fields[0].field}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  async function revoke(i: Invitation) {
    setError(null);
    try {
      await adminApi.revokeInvitation(i.id);
      setSaid(`The invitation to ${i.email} was revoked.`);
    } catch (err) {
      setError(err as Error);
    }
    await invitations.reload();
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section class="card" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <form id="invite-form" class="grid-form" onSubmit={invite} noValidate>
        <Field label="Email" name="email" error={apiError} hint="The invitation link goes to this address only.">
          {(a) => <input {...a} type="email" autocomplete="off" required />}
        </Field>
        <Field label="Role" name="role" error={apiError}>
          {(a) => (
            <select {...a}>
              {grantable(role).map((r) => (
                <option key={r} value={r} selected={r === "MEMBER"}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div class="form-actions">
          <button type="submit" class="primary" id="send-invitation" disabled={busy}>
            Send invitation
          </button>
        </div>
        <FormError error={error} id="invite-error" />
      </form>
      <p role="status" class="ok" id="invite-status">
        {said}
      </p>
      <h3>Pending invitations</h3>
      <ErrorText error={invitations.error} />
      <div class="table-wrap">
        <table id="invitation-table" class="rows-on-phone">
          <caption class="visually-hidden">Invitations not yet accepted</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody id="invitation-rows">
            <EmptyRow items={pending} cols={4} empty="No pending invitations." />
            {pending?.map((i) => (
              <tr key={i.id}>
                <td data-label="Email">{i.email}</td>
                <td data-label="Role">{i.role}</td>
                <td data-label="Expires">{i.expiresAt < Date.now() ? `expired ${when(i.expiresAt)}` : when(i.expiresAt)}</td>
                <td data-label="Actions">
                  <ConfirmAction label="Revoke" question={`Revoke the invitation to ${i.email}?`} onConfirm={() => revoke(i)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
