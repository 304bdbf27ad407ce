/**
 * The button row at the foot of a form in a dialog: a way out, and the submit button that says
 * what it does and what it is doing ("Award" / "Awarding…").
 */
export function FormActions({
  submit,
  busy,
  busyLabel = 'Saving…',
  onCancel,
  cancelLabel = 'Cancel',
  danger,
}: {
  submit: string;
  busy: boolean;
  busyLabel?: string;
  onCancel: () => void;
  cancelLabel?: string;
  danger?: boolean;
}) {
  return (
    <div className="dialog-actions">
      <button type="button" className="button" onClick={onCancel}>
        {cancelLabel}
      </button>
      <button type="submit" className={danger ? 'button danger' : 'button primary'} disabled={busy} aria-busy={busy || undefined}>
        {busy ? busyLabel : submit}
      </button>
    </div>
  );
}
