import { useEffect, useState } from 'preact/hooks';
import { api, onReauthenticationRequired } from '../api';
import { Dialog } from './dialog';
import { PasswordField } from './field';
import { DialogForm, useSubmission } from './form';

/**
 * "Sudo mode": account changes need a password proven in the last few minutes. When the API asks
 * for it, this dialog takes the password, confirms it, and lets the original call go again.
 */
export function ReauthenticatePrompt() {
  const [pending, setPending] = useState<((confirmed: boolean) => void) | null>(null);

  useEffect(() => {
    onReauthenticationRequired(() => new Promise<boolean>((resolve) => setPending(() => resolve)));
  }, []);

  if (!pending) return null;
  const finish = (confirmed: boolean) => {
    setPending(null);
    pending(confirmed);
  };
  return <ReauthenticateDialog onDone={finish} />;
}

function ReauthenticateDialog({ onDone }: { onDone: (confirmed: boolean) => void }) {
  const [password, setPassword] = useState('');
  const { busy, formError, run } = useSubmission({ message: (error) => error.message });

  const submit = () =>
    run(async () => {
      try {
        await api.confirmPassword(password);
      } catch (failure) {
        // A wrong password: say so and let them try again or cancel.
        setPassword('');
        throw failure;
      }
      onDone(true);
    });

  return (
    <Dialog
      title="Confirm your password to continue"
      description="Account changes need your password again when you have not entered it for a while."
      onClose={() => onDone(false)}
      busy={busy}
      size="small"
    >
      <DialogForm
        busy={busy}
        canSubmit={password !== ''}
        formError={formError}
        submitLabel="Confirm"
        busyLabel="Confirming…"
        onSubmit={submit}
        onCancel={() => onDone(false)}
      >
        <PasswordField
          label="Your password"
          purpose="current"
          value={password}
          onValue={setPassword}
          autoFocus
        />
      </DialogForm>
    </Dialog>
  );
}
