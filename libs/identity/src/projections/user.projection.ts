import type { Projector } from '@pat/application';
import type { ReadModelChange } from '@pat/read-model';
import type { UserCreated, UserDeleted, UserUpdated } from '../domain/user';
import { usernameKey } from '../domain/user';

/** User events → user documents (with the password hash, which sign-in needs). */
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
            passwordVersion: event.revision,
            passwordChangeRequired: data.passwordChangeRequired === true,
            createdAt: event.metadata.occurredAt,
            deletedAt: null,
          },
        },
      ];
    }
    case 'UserUpdated': {
      const data = event.data as UserUpdated['data'];
      return [
        {
          collection: 'users',
          id: data.userId,
          revision: event.revision,
          set: {
            name: data.name,
            email: data.email,
            isAdmin: data.isAdmin,
            isAuditor: data.isAuditor,
            // A new password version ends the sessions started under the old one; a new password
            // is one-time only when the event says so.
            ...(data.passwordHash
              ? {
                  passwordHash: data.passwordHash,
                  passwordVersion: event.revision,
                  passwordChangeRequired: data.passwordChangeRequired === true,
                }
              : {}),
          },
        },
      ];
    }
    case 'UserDeleted': {
      const data = event.data as UserDeleted['data'];
      return [
        {
          collection: 'users',
          id: data.userId,
          revision: event.revision,
          set: { deletedAt: event.metadata.occurredAt },
        },
      ];
    }
    default:
      return [];
  }
};
