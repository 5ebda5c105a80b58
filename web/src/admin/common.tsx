/** What the administration pages share: paged loading, error messages, copying. */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Page } from "../../../domain/schemas/common";
import { describe } from "../components/Field";
import "./admin.css";

export const when = (ms: number | null | undefined, none = "never") => (ms ? new Date(ms).toLocaleString() : none);

/**
 * A list the API pages with cursors: the first page on mount (and whenever `deps` change), more
 * on demand. A failure — a 403 because the role changed under the open page, say — is kept as the
 * error to show, never thrown.
 */
export function usePaged<T>(load: (cursor?: string) => Promise<Page<T>>, deps: unknown[] = []) {
  const [items, setItems] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const generation = useRef(0);
  const fetchPage = useCallback(async (cursor?: string) => {
    const mine = cursor ? generation.current : ++generation.current;
    try {
      const page = await load(cursor);
      if (mine !== generation.current) return; // a newer reload started meanwhile
      setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(err as Error);
    }
  }, deps);
  useEffect(() => void fetchPage(), [fetchPage]);
  return { items, next, error, reload: () => fetchPage(), more: () => (next ? fetchPage(next) : Promise.resolve()) };
}

export function ErrorText({ error, id }: { error: Error | null; id?: string }) {
  return error ? (
    <p class="error" role="alert" id={id}>
      {describe(error)}
    </p>
  ) : null;
}

export function PageHead({ id, title, children }: { id: string; title: string; children?: ComponentChildren }) {
  return (
    <header class="admin-head" id={id}>
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children && <p class="muted">{children}</p>}
    </header>
  );
}

/** A table row for "loading" / "nothing yet", spanning the table. */
export function EmptyRow({ items, cols, empty }: { items: unknown[] | null; cols: number; empty: string }) {
  if (items && items.length) return null;
  return (
    <tr>
      <td colSpan={cols}>{items ? empty : "Loading…"}</td>
    </tr>
  );
}

export function MoreButton({ next, onMore, label = "Show more" }: { next: string | null; onMore: () => void; label?: string }) {
  return next ? (
    <button type="button" class="more" onClick={onMore}>
      {label}
    </button>
  ) : null;
}

/** Copies `text`, and says whether it worked (clipboards can be refused). */
export function CopyButton({ text, label, id }: { text: string; label: string; id?: string }) {
  const [said, setSaid] = useState("");
  return (
    <>
      <button
        type="button"
        id={id}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setSaid("Copied to the clipboard.");
          } catch {
            setSaid("Copying is not allowed here; select the text and copy it.");
          }
        }}
      >
        {label}
      </button>
      <span role="status" class="muted">
        {said}
      </span>
    </>
  );
}

/** The role may read this page but not change it: say so once, instead of showing dead controls. */
export function ReadOnlyNote({ role, needs, what }: { role: string; needs: string; what: string }) {
  return (
    <p class="muted read-only" id="read-only-note">
      Your role ({role}) can see this but not {what}; that needs {needs}.
    </p>
  );
}
