import { embeddedReadModel } from '@pat/application/testing/embedded-read-model';
import { recordedEvent, recordedStream } from '@pat/event-store/testing/recorded-event';
import { membershipId } from '@pat/read-model';
import { projectNameReservationStream, projectStream } from '../domain/project';
import { projectProjectEvents } from './project.projection';

const stream = projectStream('p');
const createdAt = '2026-01-01T00:00:00.000Z';
const member = (userId: string, role: string) => ({ projectId: 'p', userId, role });

describe('project projection: changes per event', () => {
  it('sets the project document from ProjectCreated, created at the event’s instant', () => {
    const event = recordedEvent({
      streamName: stream,
      revision: 0,
      type: 'ProjectCreated',
      data: { projectId: 'p', name: 'Demo' },
      metadata: { occurredAt: createdAt },
    });
    expect(projectProjectEvents(event)).toEqual([
      {
        collection: 'projects',
        id: 'p',
        revision: 0,
        set: { projectId: 'p', name: 'Demo', createdAt },
      },
    ]);
  });

  it('sets the name only from ProjectRenamed', () => {
    const event = recordedEvent({
      streamName: stream,
      revision: 4,
      type: 'ProjectRenamed',
      data: { projectId: 'p', name: 'Renamed' },
    });
    expect(projectProjectEvents(event)).toEqual([
      { collection: 'projects', id: 'p', revision: 4, set: { name: 'Renamed' } },
    ]);
  });

  it('keeps one membership document per project and user, its role null once removed', () => {
    const id = membershipId('p', 'u1');
    const cases: Array<[string, number, string | null]> = [
      ['MemberAdded', 1, 'analyst'],
      ['MemberRoleChanged', 2, 'admin'],
      ['MemberRemoved', 3, null],
    ];
    for (const [type, revision, role] of cases) {
      // MemberRemoved carries the role the member had; the document forgets it.
      const event = recordedEvent({
        streamName: stream,
        revision,
        type,
        data: member('u1', role ?? 'admin'),
      });
      expect(projectProjectEvents(event)).toEqual([
        {
          collection: 'memberships',
          id,
          revision,
          set: { projectId: 'p', userId: 'u1', role },
        },
      ]);
    }
  });

  it('leaves name reservations out, though their streams are in the project- category', () => {
    const reservation = projectNameReservationStream('demo');
    expect(reservation.startsWith('project-')).toBe(true);
    for (const type of ['ProjectNameReserved', 'ProjectNameReleased']) {
      const event = recordedEvent({
        streamName: reservation,
        revision: 0,
        type,
        data: { nameKey: 'demo', projectId: 'p' },
      });
      expect(projectProjectEvents(event)).toEqual([]);
    }
  });

  it('ignores the events of other streams', () => {
    const event = recordedEvent({
      streamName: 'user-u1',
      revision: 0,
      type: 'UserCreated',
      data: { userId: 'u1' },
    });
    expect(projectProjectEvents(event)).toEqual([]);
  });
});

describe('project projection: through the embedded read model', () => {
  const embedded = embeddedReadModel([projectProjectEvents]);

  it('answers the queries with the project and its current members', async () => {
    await embedded.apply([
      ...recordedStream(stream, [
        {
          type: 'ProjectCreated',
          data: { projectId: 'p', name: 'Demo' },
          metadata: { occurredAt: createdAt },
        },
        { type: 'MemberAdded', data: member('u1', 'admin') },
        { type: 'MemberAdded', data: member('u2', 'analyst') },
        { type: 'MemberRoleChanged', data: member('u2', 'catalog') },
        { type: 'MemberAdded', data: member('u3', 'business') },
        { type: 'MemberRemoved', data: member('u1', 'admin') },
        { type: 'ProjectRenamed', data: { projectId: 'p', name: 'Renamed' } },
      ]),
      ...recordedStream(
        projectNameReservationStream('demo'),
        [{ type: 'ProjectNameReserved', data: { nameKey: 'demo', projectId: 'p' } }],
        7,
      ),
    ]);
    const project = { projectId: 'p', name: 'Renamed', createdAt, revision: 6 };
    expect(await embedded.readModel.findProjectById('p')).toEqual(project);
    expect(await embedded.readModel.listProjects()).toEqual([project]);
    expect(await embedded.readModel.findMembership('p', 'u2')).toEqual({
      ...member('u2', 'catalog'),
      revision: 3,
    });
    // Removed: no role, so no membership.
    expect(await embedded.readModel.findMembership('p', 'u1')).toBeNull();
    expect(await embedded.readModel.listMembersOfProject('p')).toEqual([
      { ...member('u2', 'catalog'), revision: 3 },
      { ...member('u3', 'business'), revision: 4 },
    ]);
    expect(await embedded.readModel.listMembershipsOfUser('u1')).toEqual([]);
    expect(await embedded.readModel.listMembershipsOfUser('u3')).toEqual([
      { ...member('u3', 'business'), revision: 4 },
    ]);
  });
});
