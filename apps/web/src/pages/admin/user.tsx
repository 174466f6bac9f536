import { useState } from 'preact/hooks';
import { api, type Me, type Token, type User, type UserChanges } from '../../api';
import {
  Checkbox,
  Field,
  PasswordField,
  fieldMessages,
  otherMessages,
} from '../../components/field';
import { KeyIcon } from '../../components/icons';
import { RevokeTokenDialog } from '../../components/revoke-token-dialog';
import { notify } from '../../components/toasts';
import { TokenTable } from '../../components/token-table';
import { Alert, Card, EmptyState, LoadError, Loading, PageHeader } from '../../components/ui';
import { formatDate } from '../../format';
import { asApiError, useResource } from '../../resource';
import { href, navigate } from '../../router';
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
      {resource.state === 'loading' && <Loading label="Loading the user…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="user" onRetry={() => void reload()} />
      )}
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
  const [name, setName] = useState(user.name ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const [isAdmin, setIsAdmin] = useState(user.isAdmin);
  const [isAuditor, setIsAuditor] = useState(user.isAuditor);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  /** Only what changed: an unchanged flag is not sent. */
  const changes = (): UserChanges => {
    const result: UserChanges = {};
    if (name.trim() !== (user.name ?? '')) result.name = name.trim() || null;
    if (email.trim() !== (user.email ?? '')) result.email = email.trim() || null;
    if (isAdmin !== user.isAdmin) result.isAdmin = isAdmin;
    if (isAuditor !== user.isAuditor) result.isAuditor = isAuditor;
    if (password) result.password = password;
    return result;
  };

  const submit = async () => {
    const body = changes();
    if (Object.keys(body).length === 0) {
      notify('Nothing to save');
      return;
    }
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      const saved = await api.admin.updateUser(user.id, body);
      setPassword('');
      onSaved(saved);
      notify(`Saved ${saved.username}`);
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      const unplaced = otherMessages(error.fields, EDIT_FIELDS);
      if (Object.keys(error.fields).length === 0) setFormError(error.message);
      else if (unplaced.length > 0) setFormError(unplaced.join(' '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Profile" description="The username cannot change.">
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit();
        }}
      >
        {formError && <Alert>{formError}</Alert>}
        <div class="field-row">
          <Field label="Name" optional errors={fieldMessages(fields, 'name', 'Name')}>
            {(control) => (
              <input
                {...control}
                class="input"
                type="text"
                value={name}
                onInput={(event) => setName(event.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Email" optional errors={fieldMessages(fields, 'email', 'Email')}>
            {(control) => (
              <input
                {...control}
                class="input"
                type="email"
                value={email}
                onInput={(event) => setEmail(event.currentTarget.value)}
              />
            )}
          </Field>
        </div>
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
        <fieldset class="fieldset">
          <legend class="field-label">Access</legend>
          <Checkbox
            label="System administrator"
            hint={
              isSelf
                ? 'You cannot remove your own administrator access.'
                : 'Manages users, projects and the token policy.'
            }
            checked={isAdmin}
            disabled={isSelf}
            onChange={setIsAdmin}
          />
          <Checkbox
            label="Auditor"
            hint="Reads the audit history."
            checked={isAuditor}
            onChange={setIsAuditor}
          />
        </fieldset>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
        </div>
      </form>
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
      {resource.state === 'loading' && <Loading label="Loading tokens…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="tokens" onRetry={() => void reload()} />
      )}
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
