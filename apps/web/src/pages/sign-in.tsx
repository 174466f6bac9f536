import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { PasswordField, TextField } from '../components/field';
import { Form, useSubmission } from '../components/form';
import { KeyIcon } from '../components/icons';
import { Alert } from '../components/ui';

/** The page before the app: the brand, a title, and what to do (sign in, set a new password). */
export function SignInCard({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <main class="sign-in">
      <div class="sign-in-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true">
            <KeyIcon size={20} />
          </span>
          <span class="brand-name">Access Tokens</span>
        </div>
        <h1 class="sign-in-title">{title}</h1>
        <p class="sign-in-subtitle">{subtitle}</p>
        {children}
      </div>
    </main>
  );
}

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, formError, run } = useSubmission({
    message: (error) =>
      error.status === 400 ? 'Enter your username and password.' : error.message,
  });

  const submit = () =>
    run(async () => {
      await api.signIn(username, password);
      onSignedIn();
    });

  return (
    <SignInCard title="Sign in" subtitle="Manage your personal access tokens.">
      <Form class="form" disabled={busy} onSubmit={submit}>
        {formError && <Alert>{formError}</Alert>}
        <TextField
          label="Username"
          value={username}
          onValue={setUsername}
          input={{
            autoComplete: 'username',
            autoCapitalize: 'none',
            spellcheck: false,
            autoFocus: true,
          }}
        />
        <PasswordField label="Password" purpose="current" value={password} onValue={setPassword} />
        <button type="submit" class="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </Form>
    </SignInCard>
  );
}
