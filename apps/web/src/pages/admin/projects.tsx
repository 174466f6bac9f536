import { useState } from 'preact/hooks';
import { api, ROLE_LABELS, type Project } from '../../api';
import { Dialog } from '../../components/dialog';
import { Field, fieldMessages } from '../../components/field';
import { FolderIcon, PlusIcon } from '../../components/icons';
import { notify } from '../../components/toasts';
import { Alert, EmptyState, LoadError, Loading, PageHeader } from '../../components/ui';
import { formatDate } from '../../format';
import { asApiError, useResource } from '../../resource';
import { href } from '../../router';

export function ProjectsPage() {
  const { resource, reload, update } = useResource(api.admin.projects, 'admin-projects');
  const [adding, setAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Projects"
        eyebrow="Administration"
        description="Every project, and who belongs to it with which role."
        actions={
          resource.state === 'ready' && (
            <button type="button" class="button button-primary" onClick={() => setAdding(true)}>
              <PlusIcon />
              New project
            </button>
          )
        }
      />
      {resource.state === 'loading' && <Loading label="Loading projects…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="projects" onRetry={() => void reload()} />
      )}
      {resource.state === 'ready' && (
        <div class="card">
          {resource.data.length === 0 ? (
            <EmptyState icon={<FolderIcon size={22} />} title="No projects yet">
              Create a project, then add its members.
            </EmptyState>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Projects</caption>
              <thead>
                <tr>
                  <th scope="col">Project</th>
                  <th scope="col">Your role</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {resource.data.map((project) => (
                  <tr key={project.id}>
                    <th scope="row">
                      <a class="row-link" href={href(`/admin/projects/${project.id}`)}>
                        {project.name}
                      </a>
                    </th>
                    <td>
                      {project.role ? (
                        ROLE_LABELS[project.role]
                      ) : (
                        <span class="muted">Not a member</span>
                      )}
                    </td>
                    <td>{formatDate(project.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {adding && (
        <NewProjectDialog
          onClose={() => setAdding(false)}
          onCreated={(project) => {
            update((projects) =>
              [...projects, project].sort((a, b) => a.name.localeCompare(b.name)),
            );
            setAdding(false);
            notify(`Project ${project.name} created`);
          }}
        />
      )}
    </>
  );
}

function NewProjectDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (project: Project) => void;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setFields({});
    setFormError(null);
    try {
      const { members: _members, ...project } = await api.admin.createProject(name);
      onCreated(project);
    } catch (failure) {
      const error = asApiError(failure);
      setFields(error.fields);
      if (!error.fields.name) setFormError(error.message);
      setBusy(false);
    }
  };

  return (
    <Dialog title="New project" onClose={onClose} busy={busy} size="small">
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
          <Field label="Project name" errors={fieldMessages(fields, 'name', 'Name')}>
            {(control) => (
              <input
                {...control}
                class="input"
                type="text"
                placeholder="Forecasting"
                value={name}
                onInput={(event) => setName(event.currentTarget.value)}
                autoFocus
              />
            )}
          </Field>
        </div>
        <footer class="dialog-footer">
          <button type="button" class="button button-secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create project'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
