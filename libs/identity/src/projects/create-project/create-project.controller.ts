import { Body, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/auth';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { ProjectNameDto } from '../project-name.dto';
import { ProjectDetailView } from '../project-view';
import { CreateProjectCommand } from './create-project.command';

@ApiController({ path: 'admin/projects', tag: 'projects (admin)' })
export class CreateProjectController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @ApiOperation({
    operationId: 'createProject',
    summary: 'Create a project (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiCreatedResponse({ type: ProjectDetailView })
  create(
    @Body() body: ProjectNameDto,
    @CallerContext() context: CommandContext,
  ): Promise<ProjectDetailView> {
    return this.commandBus.execute(new CreateProjectCommand(body.name, context));
  }
}
