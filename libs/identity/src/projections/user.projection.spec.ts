import { embeddedReadModel } from '@pat/application/testing/embedded-read-model';
import { recordedEvent, recordedStream } from '@pat/event-store/testing/recorded-event';
import type { UserCreated, UserDeleted, UserProfile, UserUpdated } from '../domain/user';
import { projectUserEvents } from './user.projection';

const stream = 'user-u1';
const profile: UserProfile = {
  userId: 'u1',
  username: 'Alice',
  name: null,
  email: null,
  isAdmin: false,
  isAuditor: false,
};
const createdAt = '2026-01-01T00:00:00.000Z';
const created: UserCreated['data'] = { ...profile, passwordHash: '$argon2id$h1' };
const at = (occurredAt: string) => ({ metadata: { occurredAt } });

describe('user projection: changes per event', () => {
  it('sets the whole document from UserCreated: key, password version, creation instant', () => {
    const event = recordedEvent({
      streamName: stream,
      revision: 0,
      type: 'UserCreated',
      data: created,
      ...at(createdAt),
    });
    expect(projectUserEvents(event)).toEqual([
      {
        collection: 'users',
        id: 'u1',
        revision: 0,
        set: {
          ...profile,
          usernameKey: 'alice',
          passwordHash: '$argon2id$h1',
          passwordVersion: 0,
          passwordChangeRequired: false,
          createdAt,
          deletedAt: null,
        },
      },
    ]);
  });

  it('records a one-time password from UserCreated when the event says so', () => {
    const event = recordedEvent({
      streamName: stream,
      revision: 0,
      type: 'UserCreated',
      data: { ...created, passwordChangeRequired: true },
    });
    expect(projectUserEvents(event)).toMatchObject([{ set: { passwordChangeRequired: true } }]);
  });

  it('sets only the profile from a UserUpdated without a password', () => {
    const data: UserUpdated['data'] = { ...profile, name: 'Alice L.', isAuditor: true };
    const event = recordedEvent({ streamName: stream, revision: 1, type: 'UserUpdated', data });
    expect(projectUserEvents(event)).toEqual([
      {
        collection: 'users',
        id: 'u1',
        revision: 1,
        set: { name: 'Alice L.', email: null, isAdmin: false, isAuditor: true },
      },
    ]);
  });

  it('sets a new password with its version (the revision) and whether it is one-time', () => {
    const own: UserUpdated['data'] = { ...profile, passwordHash: '$argon2id$h2' };
    const reset: UserUpdated['data'] = {
      ...own,
      passwordHash: '$argon2id$h3',
      passwordChangeRequired: true,
    };
    const profileSet = { name: null, email: null, isAdmin: false, isAuditor: false };
    expect(
      projectUserEvents(
        recordedEvent({ streamName: stream, revision: 2, type: 'UserUpdated', data: own }),
      ),
    ).toEqual([
      {
        collection: 'users',
        id: 'u1',
        revision: 2,
        set: {
          ...profileSet,
          passwordHash: '$argon2id$h2',
          passwordVersion: 2,
          passwordChangeRequired: false,
        },
      },
    ]);
    expect(
      projectUserEvents(
        recordedEvent({ streamName: stream, revision: 5, type: 'UserUpdated', data: reset }),
      ),
    ).toEqual([
      {
        collection: 'users',
        id: 'u1',
        revision: 5,
        set: {
          ...profileSet,
          passwordHash: '$argon2id$h3',
          passwordVersion: 5,
          passwordChangeRequired: true,
        },
      },
    ]);
  });

  it('marks the document deleted at the instant of UserDeleted, keeping the rest', () => {
    const data: UserDeleted['data'] = profile;
    const event = recordedEvent({
      streamName: stream,
      revision: 3,
      type: 'UserDeleted',
      data,
      ...at('2026-02-01T00:00:00.000Z'),
    });
    expect(projectUserEvents(event)).toEqual([
      {
        collection: 'users',
        id: 'u1',
        revision: 3,
        set: { deletedAt: '2026-02-01T00:00:00.000Z' },
      },
    ]);
  });

  it('leaves username reservations and other streams’ events out', () => {
    const others = [
      recordedEvent({
        streamName: 'username-alice',
        revision: 0,
        type: 'UsernameReserved',
        data: { usernameKey: 'alice', userId: 'u1' },
      }),
      recordedEvent({
        streamName: 'username-alice',
        revision: 1,
        type: 'UsernameReleased',
        data: { usernameKey: 'alice', userId: 'u1' },
      }),
      recordedEvent({
        streamName: 'token-t1',
        revision: 0,
        type: 'TokenCreated',
        data: { tokenId: 't1' },
      }),
    ];
    for (const event of others) expect(projectUserEvents(event)).toEqual([]);
  });
});

describe('user projection: through the embedded read model', () => {
  const embedded = embeddedReadModel([projectUserEvents]);

  it('answers the queries with the user as the events left it', async () => {
    await embedded.apply(
      recordedStream(stream, [
        {
          type: 'UserCreated',
          data: { ...created, passwordChangeRequired: true },
          ...at(createdAt),
        },
        {
          type: 'UserUpdated',
          data: { ...profile, email: 'alice@example.org' },
          ...at('2026-01-02T00:00:00.000Z'),
        },
        {
          type: 'UserUpdated',
          data: { ...profile, email: 'alice@example.org', passwordHash: '$argon2id$h2' },
        },
      ]),
    );
    const expected = {
      ...profile,
      email: 'alice@example.org',
      usernameKey: 'alice',
      passwordHash: '$argon2id$h2',
      passwordVersion: 2,
      passwordChangeRequired: false,
      createdAt,
      deletedAt: null,
      revision: 2,
    };
    expect(await embedded.readModel.findUserById('u1')).toEqual(expected);
    expect(await embedded.readModel.findUserByUsernameKey('alice')).toEqual(expected);
    expect(await embedded.readModel.listUsers()).toEqual([expected]);
    expect(await embedded.readModel.countUsers()).toBe(1);
  });

  it('keeps a deleted user by id, out of the name lookup, the list and the count', async () => {
    await embedded.apply(
      recordedStream(stream, [
        { type: 'UserCreated', data: created, ...at(createdAt) },
        { type: 'UserDeleted', data: profile, ...at('2026-02-01T00:00:00.000Z') },
      ]),
    );
    expect(await embedded.readModel.findUserById('u1')).toMatchObject({
      username: 'Alice',
      deletedAt: '2026-02-01T00:00:00.000Z',
      revision: 1,
    });
    expect(await embedded.readModel.findUserByUsernameKey('alice')).toBeNull();
    expect(await embedded.readModel.listUsers()).toEqual([]);
    expect(await embedded.readModel.countUsers()).toBe(0);
  });
});
