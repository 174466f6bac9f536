import type { ComponentChildren } from 'preact';
import { ROLE_LABELS, type Project } from '../api';
import { formatDate } from '../format';
import { FolderIcon } from './icons';
import { EmptyState } from './ui';

/**
 * Projects with the signed-in user's role in each, or `empty` when there are none; `link` makes
 * each name a link.
 */
export function ProjectsCard({
  projects,
  caption,
  empty,
  link,
}: {
  projects: Project[];
  caption: string;
  empty: ComponentChildren;
  link?: (project: Project) => string;
}) {
  if (projects.length === 0) {
    return (
      <div class="card">
        <EmptyState icon={<FolderIcon size={22} />} title="No projects yet">
          {empty}
        </EmptyState>
      </div>
    );
  }
  return (
    <div class="card">
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Your role</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {projects.map((project) => (
            <tr key={project.id}>
              <th scope="row">
                {link ? (
                  <a class="row-link" href={link(project)}>
                    {project.name}
                  </a>
                ) : (
                  project.name
                )}
              </th>
              <td>
                {project.role ? ROLE_LABELS[project.role] : <span class="muted">Not a member</span>}
              </td>
              <td>{formatDate(project.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
