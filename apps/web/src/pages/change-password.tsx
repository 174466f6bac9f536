import { useState } from 'preact/hooks';
import { api } from '../api';
import { PasswordField, fieldMessages } from '../components/field';
import { Form, useSubmission } from '../components/form';
import { notify } from '../components/toasts';
import { Alert, Card } from '../components/ui';

const EMPTY = { currentPassword: '', newPassword: '', repeated: '' };

/**
 * Current password, new one, the new one again: the profile's password change and the first
 * sign-in's "set a new password" both use it.
 */
export function ChangePasswordForm({
  currentLabel,
  submitLabel,
  onChanged,
}: {
  currentLabel: string;
  submitLabel: string;
  onChanged: () => void;
}) {
  const [form, setForm] = useState(EMPTY);
  const { busy, fields, formError, refuse, run } = useSubmission({
    shown: ['currentPassword', 'newPassword'],
  });
  const set = (change: Partial<typeof EMPTY>) => setForm((current) => ({ ...current, ...change }));

  const submit = async () => {
    if (form.newPassword !== form.repeated) {
      refuse({ repeated: ['The new passwords do not match'] });
      return;
    }
    await run(async () => {
      await api.changePassword(form.currentPassword, form.newPassword);
      setForm(EMPTY);
      onChanged();
    });
  };

  return (
    <Form class="form" disabled={busy} onSubmit={submit}>
      {formError && <Alert>{formError}</Alert>}
      <PasswordField
        label={currentLabel}
        errors={fieldMessages(fields, 'currentPassword', currentLabel)}
        purpose="current"
        value={form.currentPassword}
        onValue={(value) => set({ currentPassword: value })}
      />
      <PasswordField
        label="New password"
        hint="At least 8 characters, no spaces."
        errors={fieldMessages(fields, 'newPassword', 'New password')}
        purpose="new"
        value={form.newPassword}
        onValue={(value) => set({ newPassword: value })}
      />
      <PasswordField
        label="Repeat the new password"
        errors={fields.repeated}
        purpose="new"
        value={form.repeated}
        onValue={(value) => set({ repeated: value })}
      />
      <div class="form-actions">
        <button
          type="submit"
          class="button button-primary"
          disabled={busy || !form.currentPassword || !form.newPassword}
        >
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </Form>
  );
}

/** Account Settings → Profile: change your own password; your other sessions end. */
export function ChangePasswordCard() {
  return (
    <Card
      title="Change password"
      description="Changing your password signs you out everywhere else. Your tokens keep working."
    >
      <ChangePasswordForm
        currentLabel="Current password"
        submitLabel="Change password"
        onChanged={() => notify('Password changed. Your other sessions were signed out.')}
      />
    </Card>
  );
}
