import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/auth';
import type { CommandContext } from '@pat/shared';
import { RemoveMemberCommand } from './remove-member/remove-member.command';
import { ProjectRoles } from './project-access.guard';
import { ProjectDetailView } from './project-view';
import { SetMemberCommand } from './set-member/set-member.command';
import { SetMemberDto } from './set-member/set-member.dto';

const TOKEN_MAY_ONLY_LOWER =
  'With a token, only lowering an existing member’s role is allowed: adding a member or raising a role needs a browser session';

/** Membership routes: a project admin for their project, a system admin for any. */
@ApiBearerAuth()
@ApiCookieAuth()
@Controller()
export class MembersController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('projects/:id/members/:userId')
  @ProjectRoles('admin')
  @ApiTags('projects')
  @ApiOperation({ summary: 'Add a member to a project you administer, or change their role' })
  @ApiOkResponse({ type: ProjectDetailView })
  @ApiForbiddenResponse({ description: TOKEN_MAY_ONLY_LOWER })
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
  @ApiOperation({ summary: 'Remove a member from a project you administer' })
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
  @ApiOperation({ summary: 'Add a member to any project, or change their role' })
  @ApiOkResponse({ type: ProjectDetailView })
  @ApiForbiddenResponse({ description: TOKEN_MAY_ONLY_LOWER })
  setAsAdmin(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @Body() body: SetMemberDto,
    @CallerContext() context: CommandContext,
  ): Promise<ProjectDetailView> {
    return this.commandBus.execute(new SetMemberCommand(id, userId, body.role, false, context));
  }

  @Delete('admin/projects/:id/members/:userId')
  @HttpCode(204)
  @AdminOnly()
  @ApiTags('projects (admin)')
  @ApiOperation({ summary: 'Remove a member from any project' })
  @ApiNoContentResponse()
  async removeAsAdmin(
    @Param('id') id: string,
    @Param('userId') userId: string,
    @CallerContext() context: CommandContext,
  ): Promise<void> {
    await this.commandBus.execute(new RemoveMemberCommand(id, userId, false, context));
  }
}
