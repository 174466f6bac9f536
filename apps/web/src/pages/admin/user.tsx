import { useState } from 'preact/hooks';
import { api, type Me, type Token, type User, type UserChanges } from '../../api';
import { PasswordField, fieldMessages } from '../../components/field';
import { Form, useSubmission } from '../../components/form';
import { KeyIcon } from '../../components/icons';
import { RevokeTokenDialog } from '../../components/revoke-token-dialog';
import { notify } from '../../components/toasts';
import { TokenTable } from '../../components/token-table';
import { Alert, Card, EmptyState, PageHeader, Pending } from '../../components/ui';
import { formatDate } from '../../format';
import { useResource } from '../../resource';
import { href, navigate } from '../../router';
import { AccessFields, ContactFields } from './user-fields';
import { DeleteUserDialog } from './users';

/** One user: edit them, see and revoke their tokens, delete them. */
export function UserPage({ userId, me }: { userId: string; me: Me }) {
  const { resource, reload, update } = useResource(() => api.admin.user(userId), userId);
  const [deleting, setDeleting] = useState(false);
  const user = resource.state === 'ready' ? resource.data : null;

  return (
    <>
      <PageHeader
        title={user ? user.username : 'User'}
        eyebrow={
          <nav aria-label="Breadcrumb">
            <a href={href('/admin/users')}>Users</a>
          </nav>
        }
        description={user ? `Created ${formatDate(user.createdAt)}` : undefined}
      />
      <Pending resource={resource} loading="Loading the user…" what="user" onRetry={reload} />
      {user && (
        <div class="stack">
          <EditUser
            key={user.id}
            user={user}
            isSelf={user.id === me.userId}
            onSaved={(saved) => update(() => saved)}
          />
          <UserTokens user={user} />
          {user.id !== me.userId && (
            <section class="card card-danger" aria-labelledby="danger-heading">
              <div class="card-body danger-zone">
                <div>
                  <h2 id="danger-heading" class="card-title">
                    Delete this user
                  </h2>
                  <p class="card-description">
                    Their tokens stop working at once; the history stays in the audit log.
                  </p>
                </div>
                <button
                  type="button"
                  class="button button-danger-outline"
                  onClick={() => setDeleting(true)}
                >
                  Delete user
                </button>
              </div>
            </section>
          )}
        </div>
      )}
      {user && deleting && (
        <DeleteUserDialog
          user={user}
          onClose={() => setDeleting(false)}
          onDeleted={() => navigate('/admin/users')}
        />
      )}
    </>
  );
}

const EDIT_FIELDS = ['name', 'email', 'isAdmin', 'isAuditor', 'password'];

function EditUser({
  user,
  isSelf,
  onSaved,
}: {
  user: User;
  isSelf: boolean;
  onSaved: (user: User) => void;
}) {
  const [form, setForm] = useState({
    name: user.name ?? '',
    email: user.email ?? '',
    isAdmin: user.isAdmin,
    isAuditor: user.isAuditor,
  });
  const [password, setPassword] = useState('');
  const set = (change: Partial<typeof form>) => setForm((current) => ({ ...current, ...change }));
  const { busy, fields, formError, run } = useSubmission({ shown: EDIT_FIELDS });

  /** Only what changed: an unchanged flag is not sent. */
  const changes = (): UserChanges => {
    const result: UserChanges = {};
    const name = form.name.trim();
    const email = form.email.trim();
    if (name !== (user.name ?? '')) result.name = name || null;
    if (email !== (user.email ?? '')) result.email = email || null;
    if (form.isAdmin !== user.isAdmin) result.isAdmin = form.isAdmin;
    if (form.isAuditor !== user.isAuditor) result.isAuditor = form.isAuditor;
    if (password) result.password = password;
    return result;
  };

  const submit = async () => {
    const body = changes();
    if (Object.keys(body).length === 0) {
      notify('Nothing to save');
      return;
    }
    await run(async () => {
      const saved = await api.admin.updateUser(user.id, body);
      setPassword('');
      onSaved(saved);
      notify(`Saved ${saved.username}`);
    });
  };

  return (
    <Card title="Profile" description="The username cannot change.">
      <Form class="form" disabled={busy} onSubmit={submit}>
        {formError && <Alert>{formError}</Alert>}
        <ContactFields name={form.name} email={form.email} fields={fields} onChange={set} />
        <PasswordField
          label="New password"
          optional
          hint="Leave empty to keep the current password."
          errors={fieldMessages(fields, 'password', 'Password')}
          purpose="new"
          value={password}
          onValue={setPassword}
          narrow
        />
        <AccessFields
          isAdmin={form.isAdmin}
          isAuditor={form.isAuditor}
          ownAdmin={isSelf}
          onChange={set}
        />
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </Form>
    </Card>
  );
}

function UserTokens({ user }: { user: User }) {
  const { resource, reload, update } = useResource(
    () => api.admin.userTokens(user.id),
    `tokens-${user.id}`,
  );
  const [revoking, setRevoking] = useState<Token | null>(null);
  return (
    <Card
      title="Personal access tokens"
      description={`Tokens ${user.username} created. Revoking one stops it at once.`}
      flush
    >
      <Pending resource={resource} loading="Loading tokens…" what="tokens" onRetry={reload} />
      {resource.state === 'ready' &&
        (resource.data.length === 0 ? (
          <EmptyState icon={<KeyIcon size={22} />} title="No tokens yet" />
        ) : (
          <TokenTable
            tokens={resource.data}
            caption={`Tokens of ${user.username}`}
            onRevoke={setRevoking}
          />
        ))}
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          owner={user.username}
          revoke={api.admin.revokeToken}
          onClose={() => setRevoking(null)}
          onRevoked={(token) => {
            update((tokens) => tokens.map((t) => (t.id === token.id ? token : t)));
            setRevoking(null);
          }}
        />
      )}
    </Card>
  );
}
