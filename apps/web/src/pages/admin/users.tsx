import { useState } from 'preact/hooks';
import { api, type Me, type NewUser, type User } from '../../api';
import { ConfirmDialog, Dialog } from '../../components/dialog';
import { PasswordField, TextField, fieldMessages } from '../../components/field';
import { DialogForm, useSubmission } from '../../components/form';
import { PlusIcon, TrashIcon, UsersIcon } from '../../components/icons';
import { notify } from '../../components/toasts';
import {
  ActionsHeader,
  Badge,
  DangerIconButton,
  EmptyState,
  PageHeader,
  Pending,
  UserCell,
} from '../../components/ui';
import { formatDate } from '../../format';
import { useResource } from '../../resource';
import { AccessFields, ContactFields } from './user-fields';

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
      <Pending resource={resource} loading="Loading users…" what="users" onRetry={reload} />
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
                    <ActionsHeader />
                  </tr>
                </thead>
                <tbody>
                  {resource.data.map((user) => (
                    <tr key={user.id}>
                      <UserCell user={user} />
                      <td>{user.email ?? <span class="muted">—</span>}</td>
                      <td>
                        <UserBadges user={user} />
                      </td>
                      <td>{formatDate(user.createdAt)}</td>
                      <td class="cell-actions">
                        {user.id !== me.userId && (
                          <DangerIconButton
                            label={`Delete user ${user.username}`}
                            title="Delete"
                            onClick={() => setDeleting(user)}
                          >
                            <TrashIcon />
                          </DangerIconButton>
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
  const { busy, fields, formError, run } = useSubmission({ shown: USER_FIELDS });
  const set = (change: Partial<NewUser>) => setForm((current) => ({ ...current, ...change }));

  const submit = () =>
    run(async () => {
      onCreated(
        await api.admin.createUser({
          ...form,
          name: form.name?.trim() || undefined,
          email: form.email?.trim() || undefined,
        }),
      );
    });

  return (
    <Dialog title="New user" onClose={onClose} busy={busy}>
      <DialogForm
        busy={busy}
        formError={formError}
        submitLabel="Create user"
        busyLabel="Creating…"
        onSubmit={submit}
        onCancel={onClose}
      >
        <TextField
          label="Username"
          hint="3 to 64 characters, no spaces."
          errors={fieldMessages(fields, 'username', 'Username')}
          value={form.username}
          onValue={(username) => set({ username })}
          input={{ autoComplete: 'off', spellcheck: false, autoFocus: true }}
        />
        <PasswordField
          label="Password"
          hint="At least 8 characters, no spaces. Share it with the person securely."
          errors={fieldMessages(fields, 'password', 'Password')}
          purpose="new"
          value={form.password}
          onValue={(password) => set({ password })}
        />
        <ContactFields
          name={form.name ?? ''}
          email={form.email ?? ''}
          fields={fields}
          onChange={set}
        />
        <AccessFields isAdmin={form.isAdmin} isAuditor={form.isAuditor} onChange={set} />
      </DialogForm>
    </Dialog>
  );
}
