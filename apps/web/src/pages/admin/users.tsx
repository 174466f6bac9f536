import { useState } from 'preact/hooks';
import { api, type Me, type NewUser, type User } from '../../api';
import { ConfirmDialog, Dialog } from '../../components/dialog';
import {
  Checkbox,
  Field,
  PasswordField,
  fieldMessages,
  otherMessages,
} from '../../components/field';
import { PlusIcon, TrashIcon, UsersIcon } from '../../components/icons';
import { notify } from '../../components/toasts';
import { Alert, Badge, EmptyState, LoadError, Loading, PageHeader } from '../../components/ui';
import { formatDate } from '../../format';
import { asApiError, useResource } from '../../resource';
import { href } from '../../router';

export function UserBadges({ user }: { user: Pick<User, 'isAdmin' | 'isAuditor'> }) {
  if (!user.isAdmin && !user.isAuditor) return <span class="muted">Member</span>;
  return (
    <div class="badges">
      {user.isAdmin && <Badge tone="accent">Admin</Badge>}
      {user.isAuditor && <Badge tone="neutral">Auditor</Badge>}
    </div>
  );
}

export function DeleteUserDialog({
  user,
  onDeleted,
  onClose,
}: {
  user: User;
  onDeleted: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      title={`Delete user ${user.username}?`}
      confirmLabel="Delete user"
      busyLabel="Deleting…"
      onClose={onClose}
      onConfirm={async () => {
        await api.admin.deleteUser(user.id);
        notify(`User ${user.username} deleted`);
        onDeleted();
      }}
    >
      <p>
        Their tokens stop working and their sessions end immediately. Their username becomes free
        for a new account.
      </p>
    </ConfirmDialog>
  );
}

export function UsersPage({ me }: { me: Me }) {
  const { resource, reload, update } = useResource(api.admin.users, 'admin-users');
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<User | null>(null);

  return (
    <>
      <PageHeader
        title="Users"
        eyebrow="Administration"
        description="People who can sign in and create tokens."
        actions={
          resource.state === 'ready' && (
            <button type="button" class="button button-primary" onClick={() => setAdding(true)}>
              <PlusIcon />
              New user
            </button>
          )
        }
      />
      {resource.state === 'loading' && <Loading label="Loading users…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="users" onRetry={() => void reload()} />
      )}
      {resource.state === 'ready' && (
        <div class="card">
          {resource.data.length === 0 ? (
            <EmptyState icon={<UsersIcon size={22} />} title="No users yet" />
          ) : (
            <div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">Users</caption>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Email</th>
                    <th scope="col">Access</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {resource.data.map((user) => (
                    <tr key={user.id}>
                      <th scope="row" class="cell-name">
                        <a class="row-link" href={href(`/admin/users/${user.id}`)}>
                          {user.username}
                        </a>
                        {user.name && <div class="cell-sub">{user.name}</div>}
                      </th>
                      <td>{user.email ?? <span class="muted">—</span>}</td>
                      <td>
                        <UserBadges user={user} />
                      </td>
                      <td>{formatDate(user.createdAt)}</td>
                      <td class="cell-actions">
                        {user.id !== me.userId && (
                          <button
                            type="button"
                            class="icon-button icon-button-danger"
                            aria-label={`Delete user ${user.username}`}
                            title="Delete"
                            onClick={() => setDeleting(user)}
                          >
                            <TrashIcon />
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
      {adding && (
        <NewUserDialog
          onClose={() => setAdding(false)}
          onCreated={(user) => {
            update((users) => [...users, user]);
            setAdding(false);
            notify(`User ${user.username} created`);
          }}
        />
      )}
      {deleting && (
        <DeleteUserDialog
          user={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            update((users) => users.filter((u) => u.id !== deleting.id));
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}

const USER_FIELDS = ['username', 'password', 'name', 'email', 'isAdmin', 'isAuditor'];

function NewUserDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (user: User) => void;
}) {
  const [form, setForm] = useState<NewUser>({
    username: '',
    password: '',
    name: '',
    email: '',
    isAdmin: false,
    isAuditor: false,
  });
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (change: Partial<NewUser>) => setForm((current) => ({ ...current, ...change }));

  const submit = async () => {
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      onCreated(
        await api.admin.createUser({
          ...form,
          name: form.name?.trim() || undefined,
          email: form.email?.trim() || undefined,
        }),
      );
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      const unplaced = otherMessages(error.fields, USER_FIELDS);
      if (Object.keys(error.fields).length === 0) setFormError(error.message);
      else if (unplaced.length > 0) setFormError(unplaced.join(' '));
      setBusy(false);
    }
  };

  return (
    <Dialog title="New user" onClose={onClose} busy={busy}>
      <form
        class="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit();
        }}
      >
        <div class="dialog-body">
          {formError && <Alert>{formError}</Alert>}
          <Field
            label="Username"
            hint="3 to 64 characters, no spaces."
            errors={fieldMessages(fields, 'username', 'Username')}
          >
            {(control) => (
              <input
                {...control}
                class="input"
                type="text"
                autoComplete="off"
                spellcheck={false}
                value={form.username}
                onInput={(event) => set({ username: event.currentTarget.value })}
                autoFocus
              />
            )}
          </Field>
          <PasswordField
            label="Password"
            hint="At least 8 characters, no spaces. Share it with the person securely."
            errors={fieldMessages(fields, 'password', 'Password')}
            purpose="new"
            value={form.password}
            onValue={(value) => set({ password: value })}
          />
          <div class="field-row">
            <Field label="Name" optional errors={fieldMessages(fields, 'name', 'Name')}>
              {(control) => (
                <input
                  {...control}
                  class="input"
                  type="text"
                  value={form.name}
                  onInput={(event) => set({ name: event.currentTarget.value })}
                />
              )}
            </Field>
            <Field label="Email" optional errors={fieldMessages(fields, 'email', 'Email')}>
              {(control) => (
                <input
                  {...control}
                  class="input"
                  type="email"
                  value={form.email}
                  onInput={(event) => set({ email: event.currentTarget.value })}
                />
              )}
            </Field>
          </div>
          <fieldset class="fieldset">
            <legend class="field-label">Access</legend>
            <Checkbox
              label="System administrator"
              hint="Manages users, projects and the token policy."
              checked={form.isAdmin}
              onChange={(isAdmin) => set({ isAdmin })}
            />
            <Checkbox
              label="Auditor"
              hint="Reads the audit history."
              checked={form.isAuditor}
              onChange={(isAuditor) => set({ isAuditor })}
            />
          </fieldset>
        </div>
        <footer class="dialog-footer">
          <button type="button" class="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
