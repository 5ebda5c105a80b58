/** A create-or-edit form's buttons: submit, disabled while the form is sending, and Cancel where the form can be left. */
type Props = { submitLabel: string; busy: boolean; onCancel?: () => void; id?: string; class?: string };

export function FormActions({ submitLabel, busy, onCancel, id, class: className }: Props) {
  return (
    <div class="form-actions">
      <button type="submit" class={className} id={id} disabled={busy}>
        {submitLabel}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
