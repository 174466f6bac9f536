import { ApiError, type Token } from '../api';
import { ConfirmDialog } from './dialog';
import { notify } from './toasts';

/** Confirms, revokes, and hands back the token as the API now reports it (Revoked). */
export function RevokeTokenDialog({
  token,
  revoke,
  owner,
  onRevoked,
  onClose,
}: {
  token: Token;
  revoke: (tokenId: string) => Promise<Token>;
  /** For an administrator revoking someone else's token. */
  owner?: string;
  onRevoked: (token: Token) => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Revoke token “${token.name}”?`}
      confirmLabel="Revoke token"
      busyLabel="Revoking…"
      onClose={onClose}
      onConfirm={async () => {
        try {
          onRevoked(await revoke(token.id));
          notify(`Token ${token.name} revoked`);
        } catch (error) {
          // Revoked meanwhile (another tab, an administrator): show it as it is.
          if (error instanceof ApiError && error.status === 409) {
            onRevoked({
              ...token,
              status: 'Revoked',
              revokedAt: new Date().toISOString(),
              expiringSoon: false,
            });
            return;
          }
          throw error;
        }
      }}
    >
      <p>
        Anything that uses <code>{token.tokenHint}</code>
        {owner ? ` (${owner}'s token)` : ''} will stop working immediately.
      </p>
      <p>This can't be undone: a revoked token never works again.</p>
    </ConfirmDialog>
  );
}
