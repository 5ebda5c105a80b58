/**
 * The pages behind the links the platform mails: /verify-email and /accept-invitation. The token
 * is in the URL fragment (never sent to a server or in a Referer); it is read once and removed
 * from the address bar and history at once.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, currentSession, sessionFrom, setSession } from "../api";
import { navigate } from "../router";
import { Field, FormError } from "./Field";

/** Reads `#token=…` once per page load and strips it from the URL. */
let fragmentToken: string | null | undefined;
function linkToken(): string | null {
  if (fragmentToken === undefined) {
    fragmentToken = new URLSearchParams(location.hash.slice(1)).get("token");
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  }
  return fragmentToken;
}

export function VerifyEmail() {
  const [status, setStatus] = useState("Confirming…");
  useEffect(() => {
    const token = linkToken();
    if (!token) {
      setStatus("This link has no token; open the link from the mail again.");
      return;
    }
    api.verifyEmail(token).then(
      ({ user }) => setStatus(`${user.email} is confirmed.`),
      (err: Error) => setStatus(`This link did not work: ${err.message}`),
    );
  }, []);
  return (
    <section id="verify-view" class="card narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">Confirm your email address</h1>
      <p id="verify-status" role="status">
        {status}
      </p>
      <p>
        <a href="/">Go to the console</a>
      </p>
    </section>
  );
}

export function AcceptInvitation({ onAccepted }: { onAccepted: () => void }) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const token = linkToken();

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const name = String(data.get("name") ?? "").trim();
    const password = String(data.get("password") ?? "");
    setBusy(true);
    setError(null);
    try {
      if (!token) throw new Error("This link has no token; open the link from the mail again.");
      // A logged-in user (this tab's session) accepts as themselves; the API refuses if the invitation is for another address.
      const accepted = await api.acceptInvitation({ token, ...(name ? { name } : {}), ...(password ? { password } : {}) });
      setSession(sessionFrom(accepted));
      navigate("/", { replace: true });
      onAccepted();
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section id="accept-view" class="card narrow" aria-labelledby="accept-title">
      <h1 id="accept-title">Accept the invitation</h1>
      <p>{currentSession() ? "You are logged in: the invitation is accepted for this account." : "If this address already has a Skylark account, enter that account's password. Otherwise choose a password for your new account."}</p>
      <form id="accept-form" onSubmit={submit} noValidate>
        <Field label="Your name" name="name" error={apiError}>
          {(a) => <input {...a} autocomplete="name" />}
        </Field>
        <Field label="Password" name="password" error={apiError} hint="At least 10 characters.">
          {(a) => <input {...a} type="password" autocomplete="new-password" minLength={10} />}
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          Accept
        </button>
        <FormError error={error} id="accept-error" />
      </form>
    </section>
  );
}
