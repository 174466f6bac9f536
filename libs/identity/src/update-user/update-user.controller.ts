import { Body, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  AdminOnly,
  CallerContext,
  CredentialChange,
  CurrentPrincipal,
  Principal,
  SessionService,
} from '@pat/auth';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { UserView } from '../user-view';
import { UpdateUserCommand } from './update-user.command';
import { UpdateUserDto } from './update-user.dto';

@ApiController({ path: 'admin/users', tag: 'users' })
export class UpdateUserController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly sessions: SessionService,
  ) {}

  @Patch(':id')
  @AdminOnly()
  // The whole route: a password, a flag, even a name or email (a way into password reset).
  @CredentialChange()
  @ApiOperation({
    operationId: 'updateUser',
    summary:
      'Change a user’s name, email, flags or password; applies to the next request. A new password ends every other session of the user',
  })
  @ApiErrors(400, 401, 404, 409, 429, 503)
  @ApiOkResponse({ type: UserView })
  async update(
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
    @CallerContext() context: CommandContext,
  ): Promise<UserView> {
    const user = await this.commandBus.execute(new UpdateUserCommand(id, body, context));
    if (body.password !== undefined) await this.sessions.passwordChanged(id, principal);
    return user;
  }
}
