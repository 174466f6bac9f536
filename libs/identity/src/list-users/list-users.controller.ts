import { Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation } from '@nestjs/swagger';
import { AdminOnly } from '@pat/auth';
import { ApiController, ApiErrors, ApiPaged, type PagedCall, Paging } from '@pat/shared';
import { UserView } from '../user-view';
import { ListUsersQuery, USER_CURSOR_PARTS } from './list-users.query';

@ApiController({ path: 'admin/users', tag: 'users' })
export class ListUsersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @AdminOnly()
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'All users, in username order, paged (system administrators)',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiPaged({ type: UserView, isArray: true })
  async list(@Paging(USER_CURSOR_PARTS) paging: PagedCall): Promise<UserView[]> {
    const result = await this.queryBus.execute(new ListUsersQuery(paging.page));
    return paging.send(result);
  }
}
