/**
 * How a console form sends: one submission at a time (`busy`), the error kept for the form to show
 * (an `ApiError` from the shared schema's check before sending, or from the API's problem+json,
 * names each field), and the focus moved to the first field it names, so a keyboard or
 * screen-reader user lands on what to fix.
 */
import { useState } from "preact/hooks";
import { ApiError } from "../api";

/** A field's value as submitted, trimmed; "" when the form has no such field (a checked checkbox reads "on"). */
export type FormText = (name: string) => string;

/**
 * `send` reads the form (uncontrolled fields through `text`, read as the form stood when
 * submitted), sends it and does whatever follows a success (reset, `onSaved`); anything it throws
 * becomes `error`. Bind `onSubmit` to the form, which needs `noValidate` so that the shared schema,
 * not the browser, names what is wrong.
 */
export function useFormSubmit(send: (form: HTMLFormElement, text: FormText) => Promise<void>) {
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const text: FormText = (name) => String(data.get(name) ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      await send(form, text);
    } catch (err) {
      setError(err as Error);
      // After the render that marks the fields invalid.
      requestAnimationFrame(() => form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
    } finally {
      setBusy(false);
    }
  }

  return {
    error,
    apiError: error instanceof ApiError ? error : null,
    busy,
    onSubmit: (e: Event) => {
      e.preventDefault();
      void submit(e.currentTarget as HTMLFormElement);
    },
  };
}
