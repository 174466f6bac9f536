import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, CurrentPrincipal, Principal } from '@pat/auth';
import { ProjectReader } from '../project-reader';
import { ProjectView } from '../project-view';

@ApiBearerAuth()
@ApiCookieAuth()
@Controller()
export class ListProjectsController {
  constructor(private readonly projects: ProjectReader) {}

  @Get('projects')
  @ApiTags('projects')
  @ApiOperation({ summary: 'The projects you belong to, with your role' })
  @ApiOkResponse({ type: ProjectView, isArray: true })
  mine(@CurrentPrincipal() principal: Principal): Promise<ProjectView[]> {
    return this.projects.ofUser(principal.userId);
  }

  @Get('admin/projects')
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({ summary: 'Every project (system administrators)' })
  @ApiOkResponse({ type: ProjectView, isArray: true })
  all(@CurrentPrincipal() principal: Principal): Promise<ProjectView[]> {
    return this.projects.all(principal.userId);
  }
}
