import type { Me } from '../api';
import { KeyIcon } from '../components/icons';
import { ChangePasswordForm } from './change-password';

/**
 * After signing in with a one-time password (the first administrator's printed one, or one
 * from `reset-password`): the API opens nothing else until a new one is set, so this comes first.
 */
export function SetNewPasswordPage({
  me,
  onChanged,
  onSignOut,
}: {
  me: Me;
  onChanged: () => void;
  onSignOut: () => void;
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
        <h1 class="sign-in-title">Set a new password</h1>
        <p class="sign-in-subtitle">
          {me.username}, you signed in with a one-time password. Choose your own to continue.
        </p>
        <ChangePasswordForm
          currentLabel="One-time password"
          submitLabel="Set new password"
          onChanged={onChanged}
        />
        <button type="button" class="button button-ghost button-block" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </main>
  );
}
