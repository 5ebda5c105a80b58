/** A labelled form field whose error (from the shared schema or the API's problem+json) is tied to it. */
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import type { ApiError } from "../api";

type Props = {
  label: string;
  name: string;
  error?: ApiError | null;
  hint?: string;
  children: (attrs: { id: string; name: string; "aria-invalid"?: "true"; "aria-describedby"?: string }) => ComponentChildren;
};

export function Field({ label, name, error, hint, children }: Props) {
  const id = `f-${name}-${useId()}`;
  const message = error?.forField(name);
  const described = [hint ? `${id}-hint` : "", message ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, name, ...(message ? { "aria-invalid": "true" as const } : {}), ...(described ? { "aria-describedby": described } : {}) })}
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {message && (
        <small id={`${id}-error`} class="field-error">
          {label}: {message}
        </small>
      )}
    </div>
  );
}

/** The form-level message: what failed, naming each field. Announced to screen readers. */
export function FormError({ error, id }: { error: ApiError | Error | null; id?: string }) {
  return (
    <p class="error" role="alert" id={id}>
      {error ? describe(error) : ""}
    </p>
  );
}

export function describe(error: ApiError | Error): string {
  const e = error as ApiError;
  if (e.status === 403 && e.code === "forbidden") return `Your role may not do this: ${e.detail}`;
  if (e.fields?.length) return `Please check ${e.fields.map((f) => `${f.field} (${f.message})`).join(", ")}.`;
  return error.message;
}
