import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useSubmission } from './form';
import { Alert } from './ui';
import { XIcon } from './icons';

/**
 * A modal `<dialog>`: the browser keeps focus inside it and makes the page behind it inert.
 * Escape closes it; focus returns to the control that opened it (or the page title when that
 * control is gone, e.g. the revoke button of a row that is now revoked).
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  footer,
  busy = false,
  size = 'medium',
}: {
  title: string;
  description?: ComponentChildren;
  onClose: () => void;
  children?: ComponentChildren;
  /** Without a footer the children are the body and footer (a form holding both). */
  footer?: ComponentChildren;
  busy?: boolean;
  size?: 'small' | 'medium';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      const target =
        opener && opener.isConnected ? opener : document.querySelector<HTMLElement>('main h1');
      target?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <header class="dialog-header">
        <div>
          <h2 id={titleId} class="dialog-title">
            {title}
          </h2>
          {description && (
            <p id={descriptionId} class="dialog-description">
              {description}
            </p>
          )}
        </div>
        <button
          type="button"
          class="icon-button"
          aria-label="Close"
          onClick={onClose}
          disabled={busy}
        >
          <XIcon />
        </button>
      </header>
      {footer === undefined ? (
        children
      ) : (
        <>
          {children && <div class="dialog-body">{children}</div>}
          <footer class="dialog-footer">{footer}</footer>
        </>
      )}
    </dialog>
  );
}

/** "Are you sure?" for an action that cannot be undone; shows the API's refusal if any. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  busyLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const { busy, formError: error, run } = useSubmission({ message: (failure) => failure.message });
  const confirm = () => run(onConfirm);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      busy={busy}
      size="small"
      footer={
        <>
          <button
            type="button"
            class="button button-secondary"
            onClick={onClose}
            disabled={busy}
            autoFocus
          >
            Cancel
          </button>
          <button
            type="button"
            class="button button-danger"
            onClick={() => void confirm()}
            disabled={busy}
          >
            {busy ? busyLabel : confirmLabel}
          </button>
        </>
      }
    >
      <div class="confirm-text">{children}</div>
      {error && <Alert>{error}</Alert>}
    </Dialog>
  );
}
