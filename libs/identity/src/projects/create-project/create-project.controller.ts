import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/auth';
import { ApiErrors, type CommandContext } from '@pat/shared';
import { ProjectNameDto } from '../project-name.dto';
import { ProjectDetailView } from '../project-view';
import { CreateProjectCommand } from './create-project.command';

@ApiTags('projects (admin)')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/projects')
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
