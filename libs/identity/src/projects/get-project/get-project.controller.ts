import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, CurrentPrincipal, Principal } from '@pat/auth';
import { ProjectRoles } from '../project-access.guard';
import { ProjectReader } from '../project-reader';
import { ProjectDetailView } from '../project-view';

@ApiBearerAuth()
@ApiCookieAuth()
@Controller()
export class GetProjectController {
  constructor(private readonly projects: ProjectReader) {}

  @Get('projects/:id')
  @ProjectRoles()
  @ApiTags('projects')
  @ApiOperation({ summary: 'A project you belong to, with its members' })
  @ApiOkResponse({ type: ProjectDetailView })
  @ApiNotFoundResponse({ description: 'No such project, or you are not a member' })
  get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProjectDetailView> {
    return this.projects.detail(id, principal.userId);
  }

  @Get('admin/projects/:id')
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({ summary: 'Any project, with its members (system administrators)' })
  @ApiOkResponse({ type: ProjectDetailView })
  getAsAdmin(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProjectDetailView> {
    return this.projects.detail(id, principal.userId);
  }
}
