import type { Projector } from '@pat/application';
import { ReadModelChange, membershipId } from '@pat/read-model';
import type { ProjectEvent } from '../domain/project';

/** Project events → project documents and one membership document per (project, user). */
export const projectProjectEvents: Projector = (event): ReadModelChange[] => {
  const e = event as unknown as ProjectEvent;
  switch (e.type) {
    case 'ProjectCreated':
      return [
        {
          collection: 'projects',
          id: e.data.projectId,
          revision: event.revision,
          set: {
            projectId: e.data.projectId,
            name: e.data.name,
            createdAt: event.metadata.occurredAt,
          },
        },
      ];
    case 'ProjectRenamed':
      return [
        {
          collection: 'projects',
          id: e.data.projectId,
          revision: event.revision,
          set: { name: e.data.name },
        },
      ];
    case 'MemberAdded':
    case 'MemberRoleChanged':
    case 'MemberRemoved':
      return [
        {
          collection: 'memberships',
          id: membershipId(e.data.projectId, e.data.userId),
          revision: event.revision,
          set: {
            projectId: e.data.projectId,
            userId: e.data.userId,
            role: e.type === 'MemberRemoved' ? null : e.data.role,
          },
        },
      ];
    default:
      return [];
  }
};
