/**
 * A destructive action asked twice, in place: the first press asks the question next to the
 * button (focus moves to "Confirm"), the second does it. Escape or "Cancel" steps back.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import "./confirm-action.css";

export function ConfirmAction({ label, question, confirmLabel, onConfirm, id }: { label: string; question: string; confirmLabel?: string; onConfirm: () => Promise<void> | void; id?: string }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  const cancel = () => {
    setAsking(false);
    setTimeout(() => triggerRef.current?.focus());
  };
  if (!asking)
    return (
      <button type="button" class="danger-link" id={id} ref={triggerRef} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span class="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === "Escape" && cancel()}>
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        ref={confirmRef}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {confirmLabel ?? label}
      </button>
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </span>
  );
}
