import { useEffect, useState } from 'preact/hooks';
import { api, onReauthenticationRequired } from '../api';
import { asApiError } from '../resource';
import { Dialog } from './dialog';
import { PasswordField } from './field';
import { Alert } from './ui';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.confirmPassword(password);
      onDone(true);
    } catch (failure) {
      // A wrong password: say so and let them try again or cancel.
      setError(asApiError(failure).message);
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Confirm your password to continue"
      description="Account changes need your password again when you have not entered it for a while."
      onClose={() => onDone(false)}
      busy={busy}
      size="small"
    >
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy && password) void submit();
        }}
      >
        <div class="dialog-body">
          {error && <Alert>{error}</Alert>}
          <PasswordField
            label="Your password"
            purpose="current"
            value={password}
            onValue={setPassword}
            autoFocus
          />
        </div>
        <footer class="dialog-footer">
          <button
            type="button"
            class="button button-secondary"
            onClick={() => onDone(false)}
            disabled={busy}
          >
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy || !password}>
            {busy ? 'Confirming…' : 'Confirm'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
