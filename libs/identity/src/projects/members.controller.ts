import { Body, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/auth';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { RemoveMemberCommand } from './remove-member/remove-member.command';
import { ProjectRoles } from './project-access.guard';
import { ProjectDetailView } from './project-view';
import { SetMemberCommand } from './set-member/set-member.command';
import { SetMemberDto } from './set-member/set-member.dto';

const TOKEN_MAY_ONLY_LOWER =
  'With a token, only lowering an existing member’s role is allowed: adding a member or raising a role needs a browser session';

/** Membership routes: a project admin for their project, a system admin for any. */
@ApiController()
export class MembersController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('projects/:id/members/:userId')
  @ProjectRoles('admin')
  @ApiTags('projects')
  @ApiOperation({
    operationId: 'setProjectMember',
    summary: 'Add a member to a project you administer, or change their role',
  })
  @ApiErrors(400, 401, 404, 409, 429, 503, { 403: TOKEN_MAY_ONLY_LOWER })
  @ApiOkResponse({ type: ProjectDetailView })
  set(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: SetMemberDto,
    @CallerContext() context: CommandContext,
  ): Promise<ProjectDetailView> {
    return this.commandBus.execute(new SetMemberCommand(id, userId, body.role, true, context));
  }

  @Delete('projects/:id/members/:userId')
  @HttpCode(204)
  @ProjectRoles('admin')
  @ApiTags('projects')
  @ApiOperation({
    operationId: 'removeProjectMember',
    summary: 'Remove a member from a project you administer',
  })
  @ApiErrors(400, 401, 403, 429, 503, 404, 409)
  @ApiNoContentResponse()
  async remove(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @CallerContext() context: CommandContext,
  ): Promise<void> {
    await this.commandBus.execute(new RemoveMemberCommand(id, userId, true, context));
  }

  @Put('admin/projects/:id/members/:userId')
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({
    operationId: 'setProjectMemberAsAdmin',
    summary: 'Add a member to any project, or change their role',
  })
  @ApiErrors(400, 401, 404, 409, 429, 503, { 403: TOKEN_MAY_ONLY_LOWER })
  @ApiOkResponse({ type: ProjectDetailView })
  // jscpd:ignore-start -- `set` again, on the route whose guard is system administration
  setAsAdmin(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: SetMemberDto,
    @CallerContext() context: CommandContext,
  ): Promise<ProjectDetailView> {
    return this.commandBus.execute(new SetMemberCommand(id, userId, body.role, false, context));
  }
  // jscpd:ignore-end

  @Delete('admin/projects/:id/members/:userId')
  @HttpCode(204)
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({
    operationId: 'removeProjectMemberAsAdmin',
    summary: 'Remove a member from any project',
  })
  @ApiErrors(400, 401, 403, 429, 503, 404, 409)
  @ApiNoContentResponse()
  async removeAsAdmin(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @CallerContext() context: CommandContext,
  ): Promise<void> {
    await this.commandBus.execute(new RemoveMemberCommand(id, userId, false, context));
  }
}
