import { Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, CallerContext, CredentialChange } from '@pat/auth';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { DeleteUserCommand } from './delete-user.command';

@ApiController({ path: 'admin/users', tag: 'users' })
export class DeleteUserController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':id')
  @HttpCode(204)
  @AdminOnly()
  @CredentialChange()
  @ApiOperation({
    operationId: 'deleteUser',
    summary: 'Delete a user: their tokens and sessions stop working when this returns',
  })
  @ApiErrors(400, 401, 404, 409, 429, 503)
  @ApiNoContentResponse()
  async delete(@Param('id') id: string, @CallerContext() context: CommandContext): Promise<void> {
    await this.commandBus.execute(new DeleteUserCommand(id, context));
  }
}
