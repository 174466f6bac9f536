import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { UserView, toUserView } from '../user-view';
import { ListUsersQuery } from './list-users.query';

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery> {
  constructor(@Inject(READ_MODEL) private readonly readModel: ReadModel) {}

  async execute(): Promise<UserView[]> {
    return (await this.readModel.listUsers()).map(toUserView);
  }
}
