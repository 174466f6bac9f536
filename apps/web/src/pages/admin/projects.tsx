import { useState } from 'preact/hooks';
import { api, type Project } from '../../api';
import { Dialog } from '../../components/dialog';
import { TextField, fieldMessages } from '../../components/field';
import { DialogForm, useSubmission } from '../../components/form';
import { PlusIcon } from '../../components/icons';
import { ProjectsCard } from '../../components/projects-card';
import { notify } from '../../components/toasts';
import { PageHeader, Pending } from '../../components/ui';
import { useResource } from '../../resource';
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
      <Pending resource={resource} loading="Loading projects…" what="projects" onRetry={reload} />
      {resource.state === 'ready' && (
        <ProjectsCard
          projects={resource.data}
          caption="Projects"
          empty="Create a project, then add its members."
          link={(project) => href(`/admin/projects/${project.id}`)}
        />
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
  const { busy, fields, formError, run } = useSubmission({ shown: ['name'] });

  const submit = () =>
    run(async () => {
      const { members: _members, ...project } = await api.admin.createProject(name);
      onCreated(project);
    });

  return (
    <Dialog title="New project" onClose={onClose} busy={busy} size="small">
      <DialogForm
        busy={busy}
        formError={formError}
        submitLabel="Create project"
        busyLabel="Creating…"
        onSubmit={submit}
        onCancel={onClose}
      >
        <TextField
          label="Project name"
          errors={fieldMessages(fields, 'name', 'Name')}
          value={name}
          onValue={setName}
          input={{ placeholder: 'Forecasting', autoFocus: true }}
        />
      </DialogForm>
    </Dialog>
  );
}
