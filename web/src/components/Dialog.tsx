import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { FormAlert } from './forms';
import { toApiError, type ApiError } from '../api/client';

/**
 * A modal built on the native <dialog>: the browser traps focus, closes on Escape, and returns
 * focus to the element that opened it.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  wide,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // Start where the person is most likely to act: a marked element, else the first field,
      // else the browser's choice (the first focusable element, which is the Close button).
      (
        dialog.querySelector<HTMLElement>('[data-autofocus]') ??
        dialog.querySelector<HTMLElement>('.dialog-body input, .dialog-body select, .dialog-body textarea')
      )?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog ref={ref} className={wide ? 'dialog wide' : 'dialog'} aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button ghost icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {open ? children : null}
    </dialog>
  );
}

/** Asks before something that cannot be undone; shows the server's refusal if there is one. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  useEffect(() => {
    if (open) setError(undefined);
  }, [open]);

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setBusy(false);
      onClose();
    } catch (reason) {
      setBusy(false);
      setError(toApiError(reason));
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={title}>
      <div className="dialog-body">{children}</div>
      <FormAlert error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? 'button danger' : 'button primary'}
          onClick={confirm}
          disabled={busy}
          aria-busy={busy || undefined}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
