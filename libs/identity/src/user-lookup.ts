import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL, ReadModel, UserRecord } from '@pat/read-model';
import { isUuid, notFound } from '@pat/shared';

/** Finds a live (not deleted) user by id; anything else is a 404. */
@Injectable()
export class UserLookup {
  constructor(@Inject(READ_MODEL) private readonly readModel: ReadModel) {}

  async require(userId: string): Promise<UserRecord> {
    const user = isUuid(userId) ? await this.readModel.findUserById(userId) : null;
    if (!user || user.deletedAt !== null) throw notFound('User not found');
    return user;
  }
}
