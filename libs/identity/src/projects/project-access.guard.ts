import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { principalOf } from '@pat/auth';
import { MembershipRecord, PROJECT_QUERIES, ProjectQueries } from '@pat/read-model';
import { forbidden, notFound } from '@pat/shared';
import type { Request } from 'express';
import type { ProjectRole } from '../domain/project';

const PROJECT_ROLES = 'project:roles';

/**
 * Guards a `/projects/:id…` route: the caller must be a member of project `:id` (else 404, as if
 * it did not exist) and, when roles are given, hold one of them (else 403). The membership is
 * read from the read model on every request, so a role change applies to the very next one.
 */
export const ProjectRoles = (...roles: ProjectRole[]) =>
  applyDecorators(SetMetadata(PROJECT_ROLES, roles), UseGuards(ProjectAccessGuard));

export interface ProjectScopedRequest extends Request {
  projectMembership?: MembershipRecord;
}

@Injectable()
export class ProjectAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(PROJECT_QUERIES) private readonly projectQueries: ProjectQueries,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ProjectScopedRequest>();
    const principal = principalOf(request);
    const projectId = String(request.params.id ?? '');
    const membership = await this.projectQueries.findMembership(projectId, principal.userId);
    if (!membership || membership.role === null) throw notFound('Project not found');
    const allowed =
      this.reflector.getAllAndOverride<ProjectRole[]>(PROJECT_ROLES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    if (allowed.length > 0 && !allowed.includes(membership.role)) {
      throw forbidden(`Only a project ${allowed.join(' or ')} may do this`);
    }
    request.projectMembership = membership;
    return true;
  }
}
