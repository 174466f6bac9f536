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
import { Field, TextField, fieldMessages } from '../../components/field';
import { Form, useSubmission } from '../../components/form';
import { TrashIcon } from '../../components/icons';
import { notify } from '../../components/toasts';
import {
  ActionsHeader,
  Alert,
  Card,
  DangerIconButton,
  PageHeader,
  Pending,
  UserCell,
} from '../../components/ui';
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
      <Pending resource={resource} loading="Loading the project…" what="project" onRetry={reload} />
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
  const { busy, fields, formError, run } = useSubmission({ shown: ['name'] });

  const submit = () =>
    run(async () => {
      const renamed = await api.admin.renameProject(project.id, name);
      notify(`Renamed to ${renamed.name}`);
      onRenamed(renamed);
    });

  return (
    <Card title="Project name">
      <Form class="form form-inline" disabled={busy} onSubmit={submit}>
        {formError && <Alert>{formError}</Alert>}
        <TextField
          label="Name"
          errors={fieldMessages(fields, 'name', 'Name')}
          value={name}
          onValue={setName}
          narrow
        />
        <button
          type="submit"
          class="button button-secondary"
          disabled={busy || name === project.name}
        >
          {busy ? 'Renaming…' : 'Rename'}
        </button>
      </Form>
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
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {project.members.map((member) => (
              <tr key={member.userId}>
                <UserCell user={{ ...member, id: member.userId }} />
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
                  <DangerIconButton
                    label={`Remove ${member.username} from ${project.name}`}
                    title="Remove from project"
                    onClick={() => setRemoving(member)}
                  >
                    <TrashIcon />
                  </DangerIconButton>
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
  const { busy, fields, formError, refuse, run } = useSubmission({ shown: ['userId', 'role'] });

  const members = new Set(project.members.map((m) => m.userId));
  const candidates: User[] =
    users.state === 'ready' ? users.data.filter((u) => !members.has(u.id)) : [];

  const submit = async () => {
    if (!userId) {
      refuse({ userId: ['Choose a user'] });
      return;
    }
    await run(async () => {
      const added = await api.admin.setMember(project.id, userId, role);
      const user = candidates.find((u) => u.id === userId);
      notify(`${user?.username ?? 'Member'} added as ${ROLE_LABELS[role]}`);
      setUserId('');
      onAdded(added);
    });
  };

  return (
    <Form class="add-member" label="Add a member" disabled={busy} onSubmit={submit}>
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
    </Form>
  );
}
