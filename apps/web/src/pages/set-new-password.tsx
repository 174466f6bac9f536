import type { Me } from '../api';
import { ChangePasswordForm } from './change-password';
import { SignInCard } from './sign-in';

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
    <SignInCard
      title="Set a new password"
      subtitle={`${me.username}, you signed in with a one-time password. Choose your own to continue.`}
    >
      <ChangePasswordForm
        currentLabel="One-time password"
        submitLabel="Set new password"
        onChanged={onChanged}
      />
      <button type="button" class="button button-ghost button-block" onClick={onSignOut}>
        Sign out
      </button>
    </SignInCard>
  );
}
