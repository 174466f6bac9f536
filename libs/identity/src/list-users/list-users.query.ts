import { Query } from '@nestjs/cqrs';
import type { UserView } from '../user-view';

export class ListUsersQuery extends Query<UserView[]> {}
