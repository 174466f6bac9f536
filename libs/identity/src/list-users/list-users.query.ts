import { Query } from '@nestjs/cqrs';
import type { Page, PageRequest } from '@pat/shared';
import type { UserView } from '../user-view';

/** Parts of the users' sort key in a cursor: usernameKey, userId. */
export const USER_CURSOR_PARTS = 2;

export class ListUsersQuery extends Query<Page<UserView>> {
  constructor(readonly page: PageRequest) {
    super();
  }
}
