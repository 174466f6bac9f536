import { Inject, Injectable } from '@nestjs/common';
import {
  PROJECT_QUERIES,
  ProjectQueries,
  ProjectRecord,
  USER_QUERIES,
  UserQueries,
  UserRecord,
} from '@pat/read-model';
import { notFound } from '@pat/shared';
import { ProjectDetailView, ProjectView, toMemberViews, toProjectView } from './project-view';

/** Read side of projects, shared by the member routes and the admin routes. */
@Injectable()
export class ProjectReader {
  constructor(
    @Inject(PROJECT_QUERIES) private readonly projectQueries: ProjectQueries,
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
  ) {}

  async detail(projectId: string, callerId: string): Promise<ProjectDetailView> {
    const project = await this.projectQueries.findProjectById(projectId);
    if (!project) throw notFound('Project not found');
    return this.detailOf(project, callerId);
  }

  /** The detail of a project document the caller holds already (a command's result). */
  async detailOf(project: ProjectRecord, callerId: string): Promise<ProjectDetailView> {
    const memberships = await this.projectQueries.listMembersOfProject(project.projectId);
    const users = await Promise.all(
      memberships.map((m) => this.userQueries.findUserById(m.userId)),
    );
    const byId = new Map(
      users.filter((u): u is UserRecord => u !== null).map((u) => [u.userId, u] as const),
    );
    const members = toMemberViews(memberships, byId);
    const role = members.find((m) => m.userId === callerId)?.role ?? null;
    return { ...toProjectView(project, role), members };
  }

  /** The projects the user belongs to, with their role, by name. */
  async ofUser(userId: string): Promise<ProjectView[]> {
    const memberships = await this.projectQueries.listMembershipsOfUser(userId);
    const projects = await Promise.all(
      memberships.map(async (m) => {
        const project = await this.projectQueries.findProjectById(m.projectId);
        return project ? toProjectView(project, m.role) : null;
      }),
    );
    return projects
      .filter((p): p is ProjectView => p !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async all(callerId: string): Promise<ProjectView[]> {
    const [projects, mine] = await Promise.all([
      this.projectQueries.listProjects(),
      this.projectQueries.listMembershipsOfUser(callerId),
    ]);
    const roles = new Map(mine.map((m) => [m.projectId, m.role]));
    return projects.map((p) => toProjectView(p, roles.get(p.projectId) ?? null));
  }
}
