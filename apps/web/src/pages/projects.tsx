import { api, ROLE_LABELS } from '../api';
import { FolderIcon } from '../components/icons';
import { EmptyState, LoadError, Loading, PageHeader } from '../components/ui';
import { formatDate } from '../format';
import { useResource } from '../resource';

/** The projects the signed-in user belongs to, with their role. */
export function MyProjectsPage() {
  const { resource, reload } = useResource(api.myProjects, 'my-projects');
  return (
    <>
      <PageHeader
        title="Projects"
        description="The projects you belong to. Your tokens act with your role in each."
      />
      {resource.state === 'loading' && <Loading label="Loading projects…" />}
      {resource.state === 'error' && (
        <LoadError error={resource.error} what="projects" onRetry={() => void reload()} />
      )}
      {resource.state === 'ready' && (
        <div class="card">
          {resource.data.length === 0 ? (
            <EmptyState icon={<FolderIcon size={22} />} title="No projects yet">
              An administrator adds you to projects.
            </EmptyState>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Your projects</caption>
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
                    <th scope="row">{project.name}</th>
                    <td>{project.role ? ROLE_LABELS[project.role] : '—'}</td>
                    <td>{formatDate(project.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}
