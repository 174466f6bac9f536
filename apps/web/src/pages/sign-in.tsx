import { useState } from 'preact/hooks';
import { api } from '../api';
import { Field, PasswordField } from '../components/field';
import { KeyIcon } from '../components/icons';
import { Alert } from '../components/ui';
import { asApiError } from '../resource';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.signIn(username, password);
      onSignedIn();
    } catch (failure) {
      const apiError = asApiError(failure);
      setError(apiError.status === 400 ? 'Enter your username and password.' : apiError.message);
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <div class="sign-in-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true">
            <KeyIcon size={20} />
          </span>
          <span class="brand-name">Access Tokens</span>
        </div>
        <h1 class="sign-in-title">Sign in</h1>
        <p class="sign-in-subtitle">Manage your personal access tokens.</p>
        <form
          class="form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) void submit();
          }}
        >
          {error && <Alert>{error}</Alert>}
          <Field label="Username">
            {(control) => (
              <input
                {...control}
                class="input"
                type="text"
                autoComplete="username"
                autoCapitalize="none"
                spellcheck={false}
                value={username}
                onInput={(event) => setUsername(event.currentTarget.value)}
                autoFocus
              />
            )}
          </Field>
          <PasswordField
            label="Password"
            purpose="current"
            value={password}
            onValue={setPassword}
          />
          <button type="submit" class="button button-primary button-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
