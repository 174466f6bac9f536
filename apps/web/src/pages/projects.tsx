import { api } from '../api';
import { ProjectsCard } from '../components/projects-card';
import { PageHeader, Pending } from '../components/ui';
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
      <Pending resource={resource} loading="Loading projects…" what="projects" onRetry={reload} />
      {resource.state === 'ready' && (
        <ProjectsCard
          projects={resource.data}
          caption="Your projects"
          empty="An administrator adds you to projects."
        />
      )}
    </>
  );
}
