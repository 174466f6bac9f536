import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { asApiError } from '../resource';
import { otherMessages } from './field';
import { Alert } from './ui';

export type FieldErrors = Readonly<Record<string, string[]>>;

/**
 * The message about the whole form: the API's own when it names no field, else the messages of
 * fields the form has no control for (those it has show their own next to the control).
 */
export function formMessage(error: ApiError, shown: readonly string[]): string | null {
  if (Object.keys(error.fields).length === 0) return error.message;
  const unplaced = otherMessages(error.fields, shown);
  return unplaced.length > 0 ? unplaced.join(' ') : null;
}

/**
 * One form's submission: `run` marks it busy, clears the last refusal and runs the action. A
 * refusal from the API fills `fields` (by field name) and `formError` (`message` words it, by
 * default `formMessage` for the fields in `shown`). `refuse` marks fields before anything is
 * sent, for what the form checks itself; `setFields` only replaces the field messages.
 */
export function useSubmission({
  shown = [],
  message = (error) => formMessage(error, shown),
}: {
  shown?: readonly string[];
  message?: (error: ApiError) => string | null;
} = {}) {
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const refuse = (errors: FieldErrors) => {
    setFields(errors);
    setFormError(null);
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    refuse({});
    try {
      await action();
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      setFormError(message(error));
    } finally {
      // A form that closed or was replaced on success is gone by now: this changes nothing.
      setBusy(false);
    }
  };

  return { busy, fields, formError, refuse, run, setFields };
}

/** A form that the page submits itself (no reload), and not again while `disabled`. */
export function Form({
  class: className,
  label,
  disabled,
  onSubmit,
  children,
}: {
  class?: string;
  label?: string;
  disabled: boolean;
  onSubmit: () => Promise<void>;
  children: ComponentChildren;
}) {
  return (
    <form
      class={className}
      aria-label={label}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!disabled) void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

/** The body and footer of a dialog that is a form: its message, its fields, Cancel and submit. */
export function DialogForm({
  busy,
  canSubmit = true,
  formError,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
  children,
}: {
  busy: boolean;
  canSubmit?: boolean;
  formError: string | null;
  submitLabel: string;
  busyLabel: string;
  onSubmit: () => Promise<void>;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  return (
    <Form class="form" disabled={busy || !canSubmit} onSubmit={onSubmit}>
      <div class="dialog-body">
        {formError && <Alert>{formError}</Alert>}
        {children}
      </div>
      <footer class="dialog-footer">
        <button type="button" class="button button-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" disabled={busy || !canSubmit}>
          {busy ? busyLabel : submitLabel}
        </button>
      </footer>
    </Form>
  );
}
