import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { AdminOnly } from '@pat/auth';
import { UserReader } from '../user-reader';
import { UserView, toUserView } from '../user-view';

@ApiController({ path: 'admin/users', tag: 'users' })
export class GetUserController {
  constructor(private readonly users: UserReader) {}

  @Get(':id')
  @AdminOnly()
  @ApiOperation({ operationId: 'getUser', summary: 'One user (system administrators)' })
  @ApiErrors(400, 401, 403, 429, 503, 404)
  @ApiOkResponse({ type: UserView })
  async get(@Param('id') id: string): Promise<UserView> {
    return toUserView(await this.users.require(id));
  }
}
