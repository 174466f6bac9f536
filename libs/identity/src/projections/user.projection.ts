import type { Projector } from '@pat/application';
import type { ReadModelChange } from '@pat/read-model';
import { asUserEvent, usernameKey } from '../domain/user';

/** User events → user documents (with the password hash, which sign-in needs). */
export const projectUserEvents: Projector = (recorded): ReadModelChange[] => {
  const event = asUserEvent(recorded);
  switch (event?.type) {
    case 'UserCreated': {
      const { data } = event;
      return [
        {
          collection: 'users',
          id: data.userId,
          revision: recorded.revision,
          set: {
            userId: data.userId,
            username: data.username,
            usernameKey: usernameKey(data.username),
            name: data.name,
            email: data.email,
            isAdmin: data.isAdmin,
            isAuditor: data.isAuditor,
            passwordHash: data.passwordHash,
            passwordVersion: recorded.revision,
            passwordChangeRequired: data.passwordChangeRequired === true,
            createdAt: recorded.metadata.occurredAt,
            deletedAt: null,
          },
        },
      ];
    }
    case 'UserUpdated': {
      const { data } = event;
      return [
        {
          collection: 'users',
          id: data.userId,
          revision: recorded.revision,
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
                  passwordVersion: recorded.revision,
                  passwordChangeRequired: data.passwordChangeRequired === true,
                }
              : {}),
          },
        },
      ];
    }
    case 'UserDeleted': {
      const { data } = event;
      return [
        {
          collection: 'users',
          id: data.userId,
          revision: recorded.revision,
          set: { deletedAt: recorded.metadata.occurredAt },
        },
      ];
    }
    default:
      return [];
  }
};
