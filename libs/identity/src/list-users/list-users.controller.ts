import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '@pat/auth';
import { UserView } from '../user-view';
import { ListUsersQuery } from './list-users.query';

@ApiTags('users')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('admin/users')
export class ListUsersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @AdminOnly()
  @ApiOperation({ summary: 'All users (system administrators)' })
  @ApiOkResponse({ type: UserView, isArray: true })
  list(): Promise<UserView[]> {
    return this.queryBus.execute(new ListUsersQuery());
  }
}
