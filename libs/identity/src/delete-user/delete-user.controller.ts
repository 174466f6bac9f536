import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, CallerContext, CredentialChange } from '@pat/auth';
import type { CommandContext } from '@pat/shared';
import { DeleteUserCommand } from './delete-user.command';

@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/users')
export class DeleteUserController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':id')
  @HttpCode(204)
  @AdminOnly()
  @CredentialChange()
  @ApiOperation({
    summary: 'Delete a user: their tokens and sessions stop working when this returns',
  })
  @ApiNoContentResponse()
  async delete(@Param('id') id: string, @CallerContext() context: CommandContext): Promise<void> {
    await this.commandBus.execute(new DeleteUserCommand(id, context));
  }
}
