import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { AdminOnly, CurrentPrincipal, Principal } from '@pat/auth';
import { ProjectRoles } from '../project-access.guard';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';

@ApiController()
export class GetProjectController {
  constructor(private readonly projects: ProjectReader) {}

  @Get('projects/:id')
  @ProjectRoles()
  @ApiTags('projects')
  @ApiOperation({ operationId: 'getProject', summary: 'A project you belong to, with its members' })
  @ApiErrors(400, 401, 403, 429, 503, { 404: 'No such project, or you are not a member' })
  @ApiOkResponse({ type: ProjectDetailView })
  get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProjectDetailView> {
    return this.projects.detail(id, principal.userId);
  }

  @Get('admin/projects/:id')
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({
    operationId: 'getProjectAsAdmin',
    summary: 'Any project, with its members (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503, 404)
  @ApiOkResponse({ type: ProjectDetailView })
  getAsAdmin(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProjectDetailView> {
    return this.projects.detail(id, principal.userId);
  }
}
