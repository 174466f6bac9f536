import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { AdminOnly, CurrentPrincipal, Principal } from '@pat/auth';
import { ProjectReader } from '../project-reader';
import { ProjectView } from '../project-view';

@ApiController()
export class ListProjectsController {
  constructor(private readonly projects: ProjectReader) {}

  @Get('projects')
  @ApiTags('projects')
  @ApiOperation({
    operationId: 'listMyProjects',
    summary: 'The projects you belong to, with your role',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiOkResponse({ type: ProjectView, isArray: true })
  mine(@CurrentPrincipal() principal: Principal): Promise<ProjectView[]> {
    return this.projects.ofUser(principal.userId);
  }

  @Get('admin/projects')
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({ operationId: 'listProjects', summary: 'Every project (system administrators)' })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiOkResponse({ type: ProjectView, isArray: true })
  all(@CurrentPrincipal() principal: Principal): Promise<ProjectView[]> {
    return this.projects.all(principal.userId);
  }
}
