import type { Projector } from '@pat/application';
import type { ReadModelChange } from '@pat/read-model';
import type { UserCreated } from '../domain/user';
import { usernameKey } from '../domain/user';

/** User events → user documents (with the password hash, which login needs). */
export const projectUserEvents: Projector = (event): ReadModelChange[] => {
  switch (event.type) {
    case 'UserCreated': {
      const data = event.data as UserCreated['data'];
      return [
        {
          collection: 'users',
          id: data.userId,
          revision: event.revision,
          set: {
            userId: data.userId,
            username: data.username,
            usernameKey: usernameKey(data.username),
            name: data.name,
            email: data.email,
            isAdmin: data.isAdmin,
            isAuditor: data.isAuditor,
            passwordHash: data.passwordHash,
            createdAt: event.metadata.occurredAt,
            deletedAt: null,
          },
        },
      ];
    }
    default:
      return [];
  }
};
