/**
 * The fields of a command, shared by the device panel and the fleet form: method, params as JSON,
 * expiry (seconds from now or an absolute time), one-way or two-way, response timeout and an
 * optional idempotency key. The draft is text as typed; `commandInput` turns it into the API's
 * body, naming the field when the params are not JSON (the rest is checked by the API's schema).
 */
import { ApiError } from "../api";
import { Field } from "../components/Field";
import type { CommandInput } from "./api";

export type CommandDraft = {
  method: string;
  params: string;
  expiry: "in" | "at";
  expiresInSeconds: string;
  expiresAt: string;
  responseRequired: boolean;
  responseTimeoutSeconds: string;
  idempotencyKey: string;
};

export const emptyDraft: CommandDraft = { method: "", params: "", expiry: "in", expiresInSeconds: "", expiresAt: "", responseRequired: true, responseTimeoutSeconds: "", idempotencyKey: "" };

const fieldProblem = (field: string, message: string) => new ApiError(400, "validation_failed", "the request is not valid", [{ path: `body.${field}`, message }]);
const numberOrNothing = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** The API body for a draft; throws an ApiError naming `params` or `expiresAt` when they cannot be read. */
export function commandInput(d: CommandDraft): CommandInput {
  let params: unknown;
  if (d.params.trim() !== "") {
    try {
      params = JSON.parse(d.params);
    } catch (err) {
      throw fieldProblem("params", `not valid JSON (${(err as Error).message})`);
    }
  }
  let expiresAt: number | undefined;
  if (d.expiry === "at") {
    expiresAt = d.expiresAt ? new Date(d.expiresAt).getTime() : NaN;
    if (Number.isNaN(expiresAt)) throw fieldProblem("expiresAt", "choose a date and time");
  }
  const idempotencyKey = d.idempotencyKey.trim();
  return {
    method: d.method,
    ...(params !== undefined ? { params } : {}),
    ...(d.expiry === "in" && numberOrNothing(d.expiresInSeconds) !== undefined ? { expiresInSeconds: numberOrNothing(d.expiresInSeconds) } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    responseRequired: d.responseRequired,
    ...(d.responseRequired && numberOrNothing(d.responseTimeoutSeconds) !== undefined ? { responseTimeoutSeconds: numberOrNothing(d.responseTimeoutSeconds) } : {}),
    ...(idempotencyKey ? { idempotencyKey } : {}),
  };
}

type Props = { draft: CommandDraft; onChange: (next: CommandDraft) => void; error: ApiError | null };

export function CommandFields({ draft, onChange, error }: Props) {
  const set = <K extends keyof CommandDraft>(key: K, value: CommandDraft[K]) => onChange({ ...draft, [key]: value });
  const text = (key: "method" | "params" | "expiresInSeconds" | "expiresAt" | "responseTimeoutSeconds" | "idempotencyKey") => (e: Event) => set(key, (e.currentTarget as HTMLInputElement).value);
  return (
    <>
      <Field label="Method" name="method" error={error} hint="What the device should do, e.g. reboot">
        {(a) => <input {...a} value={draft.method} required autoComplete="off" onInput={text("method")} />}
      </Field>
      <div class="command-params">
        <Field label="Params (JSON)" name="params" error={error} hint="Any JSON value, handed to the device as is; leave empty for none">
          {(a) => <textarea {...a} value={draft.params} spellcheck={false} placeholder='{"level": 3}' onInput={text("params")} />}
        </Field>
      </div>
      <fieldset class="command-choice">
        <legend>Expires</legend>
        <label>
          <input type="radio" name="expiry" value="in" checked={draft.expiry === "in"} onChange={() => set("expiry", "in")} /> after a number of seconds
        </label>
        <label>
          <input type="radio" name="expiry" value="at" checked={draft.expiry === "at"} onChange={() => set("expiry", "at")} /> at a time
        </label>
      </fieldset>
      {draft.expiry === "in" ? (
        <Field label="Expires in (seconds)" name="expiresInSeconds" error={error} hint="Empty: 24 hours; at most 7 days">
          {(a) => <input {...a} type="number" min={1} step={1} inputMode="numeric" value={draft.expiresInSeconds} onInput={text("expiresInSeconds")} />}
        </Field>
      ) : (
        <Field label="Expires at" name="expiresAt" error={error} hint="Your local time; at most 7 days ahead">
          {(a) => <input {...a} type="datetime-local" value={draft.expiresAt} onInput={text("expiresAt")} />}
        </Field>
      )}
      <fieldset class="command-choice">
        <legend>Answer</legend>
        <label>
          <input type="radio" name="responseRequired" value="two-way" checked={draft.responseRequired} onChange={() => set("responseRequired", true)} /> two-way: the device answers
        </label>
        <label>
          <input type="radio" name="responseRequired" value="one-way" checked={!draft.responseRequired} onChange={() => set("responseRequired", false)} /> one-way: done when delivered
        </label>
      </fieldset>
      {draft.responseRequired && (
        <Field label="Response timeout (seconds)" name="responseTimeoutSeconds" error={error} hint="How long after delivery the answer may take; empty: 60">
          {(a) => <input {...a} type="number" min={1} step={1} inputMode="numeric" value={draft.responseTimeoutSeconds} onInput={text("responseTimeoutSeconds")} />}
        </Field>
      )}
      <Field label="Idempotency key (optional)" name="idempotencyKey" error={error} hint="The same key within 24 h returns the first command instead of a second">
        {(a) => <input {...a} value={draft.idempotencyKey} autoComplete="off" onInput={text("idempotencyKey")} />}
      </Field>
    </>
  );
}
