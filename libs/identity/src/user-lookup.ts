import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL, ReadModel, UserRecord } from '@pat/read-model';
import { notFound } from '@pat/shared';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds a live (not deleted) user by id; anything else is a 404. */
@Injectable()
export class UserLookup {
  constructor(@Inject(READ_MODEL) private readonly readModel: ReadModel) {}

  async require(userId: string): Promise<UserRecord> {
    const user = UUID.test(userId) ? await this.readModel.findUserById(userId) : null;
    if (!user || user.deletedAt !== null) throw notFound('User not found');
    return user;
  }
}
