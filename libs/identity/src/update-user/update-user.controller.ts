import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly, CallerContext } from '@pat/auth';
import type { CommandContext } from '@pat/shared';
import { UserView } from '../user-view';
import { UpdateUserCommand } from './update-user.command';
import { UpdateUserDto } from './update-user.dto';

@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/users')
export class UpdateUserController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':id')
  @AdminOnly()
  @ApiOperation({
    summary: 'Change a user’s name, email, flags or password; applies to the next request',
  })
  @ApiOkResponse({ type: UserView })
  update(
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
    @CallerContext() context: CommandContext,
  ): Promise<UserView> {
    return this.commandBus.execute(new UpdateUserCommand(id, body, context));
  }
}
