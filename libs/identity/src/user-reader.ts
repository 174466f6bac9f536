import { Inject, Injectable } from '@nestjs/common';
import { USER_QUERIES, UserQueries, UserRecord } from '@pat/read-model';
import { isUuid, notFound } from '@pat/shared';

/** Finds a live (not deleted) user by id; anything else is a 404. */
@Injectable()
export class UserReader {
  constructor(@Inject(USER_QUERIES) private readonly userQueries: UserQueries) {}

  async require(userId: string): Promise<UserRecord> {
    const user = isUuid(userId) ? await this.userQueries.findUserById(userId) : null;
    if (!user || user.deletedAt !== null) throw notFound('User not found');
    return user;
  }
}
