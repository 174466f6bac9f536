import { useState } from 'preact/hooks';
import {
  api,
  ROLE_LABELS,
  ROLES,
  type Member,
  type ProjectDetail,
  type Role,
  type User,
} from '../../api';
import { ConfirmDialog } from '../../components/dialog';
import { Field, fieldMessages } from '../../components/field';
import { TrashIcon } from '../../components/icons';
import { notify } from '../../components/toasts';
import { Alert, Card, LoadError, Loading, PageHeader } from '../../components/ui';
import { formatDate } from '../../format';
import { asApiError, useResource } from '../../resource';
import { href } from '../../router';

/** One project: rename it, manage its members and their roles. */
export function ProjectPage({ projectId }: { projectId: string }) {
  const { resource, reload, update } = useResource(
    () => api.admin.project(projectId),
    `project-${projectId}`,
  );
  const project = resource.state === 'ready' ? resource.data : null;
  const replace = (next: ProjectDetail) => update(() => next);

  return (
    <>
      <PageHeader
        title={project ? project.name : 'Project'}
        eyebrow={
          <nav aria-label="Breadcrumb">
            <a href={href('/admin/projects')}>Projects</a>
          </nav>
        }
        description={project ? `Created ${formatDate(project.createdAt)}` : undefined}
      />
      {resource.state === 'loading' && <Loading label="Loading the project…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="project" onRetry={() => void reload()} />
      )}
      {project && (
        <div class="stack">
          <Members project={project} onChanged={replace} onRemoved={() => void reload(true)} />
          <Rename key={project.name} project={project} onRenamed={replace} />
        </div>
      )}
    </>
  );
}

function Rename({
  project,
  onRenamed,
}: {
  project: ProjectDetail;
  onRenamed: (project: ProjectDetail) => void;
}) {
  const [name, setName] = useState(project.name);
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      const renamed = await api.admin.renameProject(project.id, name);
      notify(`Renamed to ${renamed.name}`);
      onRenamed(renamed);
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      if (!error.fields.name) setFormError(error.message);
      setBusy(false);
    }
  };

  return (
    <Card title="Project name">
      <form
        class="form form-inline"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void submit();
        }}
      >
        {formError && <Alert>{formError}</Alert>}
        <Field label="Name" errors={fieldMessages(fields, 'name', 'Name')}>
          {(control) => (
            <input
              {...control}
              class="input input-narrow"
              type="text"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          )}
        </Field>
        <button
          type="submit"
          class="button button-secondary"
          disabled={busy || name === project.name}
        >
          {busy ? 'Renaming…' : 'Rename'}
        </button>
      </form>
    </Card>
  );
}

function Members({
  project,
  onChanged,
  onRemoved,
}: {
  project: ProjectDetail;
  onChanged: (project: ProjectDetail) => void;
  onRemoved: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [pending, setPending] = useState<string | null>(null);

  const changeRole = async (member: Member, role: Role) => {
    setError(null);
    setPending(member.userId);
    try {
      onChanged(await api.admin.setMember(project.id, member.userId, role));
      notify(`${member.username} is now ${ROLE_LABELS[role]}`);
    } catch (failure) {
      setError(asApiError(failure).message);
      onChanged({ ...project });
    } finally {
      setPending(null);
    }
  };

  return (
    <Card
      title="Members"
      description="Each member has one role in the project; tokens act with it at once."
      flush
    >
      {error && (
        <div class="card-alert">
          <Alert>{error}</Alert>
        </div>
      )}
      {project.members.length === 0 ? (
        <p class="card-empty">No members yet. Add the first one below.</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Members of {project.name}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {project.members.map((member) => (
              <tr key={member.userId}>
                <th scope="row" class="cell-name">
                  <a class="row-link" href={href(`/admin/users/${member.userId}`)}>
                    {member.username}
                  </a>
                  {member.name && <div class="cell-sub">{member.name}</div>}
                </th>
                <td>
                  <select
                    class="input select input-compact"
                    aria-label={`Role of ${member.username}`}
                    value={member.role}
                    disabled={pending === member.userId}
                    onChange={(event) => void changeRole(member, event.currentTarget.value as Role)}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABELS[role]}
                      </option>
                    ))}
                  </select>
                </td>
                <td class="cell-actions">
                  <button
                    type="button"
                    class="icon-button icon-button-danger"
                    aria-label={`Remove ${member.username} from ${project.name}`}
                    title="Remove from project"
                    onClick={() => setRemoving(member)}
                  >
                    <TrashIcon />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddMember project={project} onAdded={onChanged} />
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.username}?`}
          confirmLabel="Remove member"
          busyLabel="Removing…"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api.admin.removeMember(project.id, removing.userId);
            notify(`${removing.username} removed from ${project.name}`);
            setRemoving(null);
            onRemoved();
          }}
        >
          <p>
            {removing.username} loses access to {project.name} at once, including through their
            tokens.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}

function AddMember({
  project,
  onAdded,
}: {
  project: ProjectDetail;
  onAdded: (project: ProjectDetail) => void;
}) {
  const { resource: users } = useResource(api.admin.users, 'admin-users');
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('analyst');
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const members = new Set(project.members.map((m) => m.userId));
  const candidates: User[] =
    users.state === 'ready' ? users.data.filter((u) => !members.has(u.id)) : [];

  const submit = async () => {
    if (!userId) {
      setFields({ userId: ['Choose a user'] });
      return;
    }
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      const added = await api.admin.setMember(project.id, userId, role);
      const user = candidates.find((u) => u.id === userId);
      notify(`${user?.username ?? 'Member'} added as ${ROLE_LABELS[role]}`);
      setUserId('');
      onAdded(added);
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      if (!error.fields.role) setFormError(error.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="add-member"
      aria-label="Add a member"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void submit();
      }}
    >
      <h3 class="subheading">Add a member</h3>
      {formError && <Alert>{formError}</Alert>}
      <div class="form-inline">
        <Field label="User" errors={fields.userId}>
          {(control) => (
            <select
              {...control}
              class="input select"
              value={userId}
              disabled={users.state !== 'ready'}
              onChange={(event) => setUserId(event.currentTarget.value)}
            >
              <option value="">
                {users.state === 'loading'
                  ? 'Loading users…'
                  : candidates.length === 0
                    ? 'Everyone is a member'
                    : 'Choose a user'}
              </option>
              {candidates.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name ? `${user.username} (${user.name})` : user.username}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Role" errors={fieldMessages(fields, 'role', 'Role')}>
          {(control) => (
            <select
              {...control}
              class="input select"
              value={role}
              onChange={(event) => setRole(event.currentTarget.value as Role)}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add member'}
        </button>
      </div>
    </form>
  );
}
