import { Body, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/auth';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { ProjectRoles } from '../project-access.guard';
import { ProjectNameDto } from '../project-name.dto';
import { ProjectDetailView } from '../project-view';
import { RenameProjectCommand } from './rename-project.command';

@ApiController()
export class RenameProjectController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch('projects/:id')
  @ProjectRoles('admin')
  @ApiTags('projects')
  @ApiOperation({ operationId: 'renameProject', summary: 'Rename a project you administer' })
  @ApiErrors(400, 401, 403, 429, 503, 404, 409)
  @ApiOkResponse({ type: ProjectDetailView })
  rename(
    @Param('id') id: string,
    @Body() body: ProjectNameDto,
    @CallerContext() context: CommandContext,
  ): Promise<ProjectDetailView> {
    return this.commandBus.execute(new RenameProjectCommand(id, body.name, context));
  }

  @Patch('admin/projects/:id')
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({
    operationId: 'renameProjectAsAdmin',
    summary: 'Rename any project (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503, 404, 409)
  @ApiOkResponse({ type: ProjectDetailView })
  // jscpd:ignore-start -- `rename` again, on the route whose guard is system administration
  renameAsAdmin(
    @Param('id') id: string,
    @Body() body: ProjectNameDto,
    @CallerContext() context: CommandContext,
  ): Promise<ProjectDetailView> {
    return this.commandBus.execute(new RenameProjectCommand(id, body.name, context));
  }
  // jscpd:ignore-end
}
