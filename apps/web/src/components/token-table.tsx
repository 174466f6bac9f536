import type { Token } from '../api';
import { DAY_MS, formatDate, formatDateTime, relativeTime } from '../format';
import { BanIcon } from './icons';
import { ActionsHeader, Badge, DangerIconButton, type Tone } from './ui';

const SOON_DAYS = 7;

const STATUS_TONE: Record<Token['status'], Tone> = {
  Active: 'success',
  Expired: 'neutral',
  Revoked: 'danger',
};

/** The server's word when it gives one (its clock decides the status too), else the same rule. */
export const expiresSoon = (token: Token, now: number = Date.now()): boolean =>
  token.expiringSoon ??
  (token.status === 'Active' && new Date(token.expiresAt).getTime() - now <= SOON_DAYS * DAY_MS);

function When({ iso, children }: { iso: string; children?: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {children ?? formatDate(iso)}
    </time>
  );
}

function Expiry({ token }: { token: Token }) {
  if (token.revokedAt) {
    return (
      <>
        <span class="muted">Revoked </span>
        <When iso={token.revokedAt} />
      </>
    );
  }
  return (
    <>
      {token.status === 'Expired' && <span class="muted">Expired </span>}
      <When iso={token.expiresAt} />
      {token.status === 'Active' && (
        <div class="cell-sub">
          <When iso={token.expiresAt}>{relativeTime(token.expiresAt)}</When>
        </div>
      )}
      {token.cappedByPolicy && (
        <div class="cell-sub policy-note">
          Capped by policy · requested <When iso={token.requestedExpiresAt} />
        </div>
      )}
    </>
  );
}

/** The tokens of one person: the user's own, or anyone's for an administrator. */
export function TokenTable({
  tokens,
  caption,
  onRevoke,
}: {
  tokens: Token[];
  caption: string;
  onRevoke: (token: Token) => void;
}) {
  const now = Date.now();
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Expiry</th>
            <th scope="col">Last used</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id} class={token.status === 'Active' ? undefined : 'row-inactive'}>
              <th scope="row" class="cell-name">
                <div class="token-name">{token.name}</div>
                <code class="token-hint">{token.tokenHint}</code>
              </th>
              <td>
                <div class="badges">
                  <Badge tone={STATUS_TONE[token.status]}>{token.status}</Badge>
                  {expiresSoon(token, now) && <Badge tone="warning">Expires soon</Badge>}
                </div>
              </td>
              <td class="cell-date">
                <When iso={token.createdAt} />
              </td>
              <td>
                <Expiry token={token} />
              </td>
              <td class="cell-date">
                {token.lastUsedAt ? (
                  <>
                    <When iso={token.lastUsedAt}>{relativeTime(token.lastUsedAt, now)}</When>
                    {token.lastUsedIp && (
                      <div class="cell-sub" title={token.lastUsedUserAgent ?? undefined}>
                        from {token.lastUsedIp}
                      </div>
                    )}
                  </>
                ) : (
                  <span class="muted">Never</span>
                )}
              </td>
              <td class="cell-actions">
                {token.status !== 'Revoked' && (
                  <DangerIconButton
                    label={`Revoke token ${token.name}`}
                    title="Revoke"
                    onClick={() => onRevoke(token)}
                  >
                    <BanIcon />
                  </DangerIconButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
