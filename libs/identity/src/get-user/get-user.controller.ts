import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '@pat/auth';
import { UserLookup } from '../user-lookup';
import { UserView, toUserView } from '../user-view';

@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/users')
export class GetUserController {
  constructor(private readonly users: UserLookup) {}

  @Get(':id')
  @AdminOnly()
  @ApiOperation({ summary: 'One user (system administrators)' })
  @ApiOkResponse({ type: UserView })
  async get(@Param('id') id: string): Promise<UserView> {
    return toUserView(await this.users.require(id));
  }
}
