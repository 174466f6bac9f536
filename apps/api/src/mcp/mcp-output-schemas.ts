import { PROJECT_ROLES } from '@pat/identity';
import { z } from 'zod';

/*
 * What each tool returns as structuredContent, the same documents as the REST routes answer
 * (MeView, ProjectView, TokenView, TokenHistoryView). The SDK checks every result against its
 * schema and clients validate against the JSON Schema it publishes. Objects are loose (further
 * properties allowed) so that a field added to a REST view does not break a client that
 * validates; ids and instants are plain strings described as such, so that the schema states
 * what the service guarantees and nothing stricter.
 */

const id = (what: string) => z.string().describe(`${what} (a UUID)`);
const instant = (what: string) => z.string().describe(`${what} (ISO 8601, UTC)`);
const role = z.enum(PROJECT_ROLES);

const membership = z.looseObject({
  id: id('Project id'),
  name: z.string(),
  role: role.describe('The caller’s role in the project'),
});

export const whoamiOutput = z.looseObject({
  userId: id('User id'),
  username: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  isAdmin: z.boolean(),
  isAuditor: z.boolean(),
  projects: z.array(membership),
  authMethod: z.enum(['session', 'token']),
  tokenId: id('The id of the token making this call').nullable(),
});

const project = {
  id: id('Project id'),
  name: z.string(),
  createdAt: instant('Created'),
  role: role.nullable().describe('The caller’s role in the project (null: not a member)'),
};

export const listProjectsOutput = z.looseObject({
  projects: z.array(z.looseObject(project)),
});

export const getProjectOutput = z.looseObject({
  ...project,
  members: z.array(
    z.looseObject({
      userId: id('User id'),
      username: z.string(),
      name: z.string().nullable(),
      role,
    }),
  ),
});

export const tokenOutput = z.looseObject({
  id: id('Token id'),
  name: z.string(),
  tokenHint: z.string().describe('The prefix and last characters, never the token itself'),
  createdAt: instant('Created'),
  expiresAt: instant('Effective expiry: the requested one, capped by the current policy'),
  requestedExpiresAt: instant('The expiry requested at creation'),
  cappedByPolicy: z.boolean(),
  revokedAt: instant('Revoked').nullable(),
  status: z.enum(['Active', 'Expired', 'Revoked']),
  lastUsedAt: instant('Last used').nullable(),
  lastUsedIp: z.string().nullable(),
  lastUsedUserAgent: z.string().nullable(),
  expiringSoon: z.boolean().describe('Active and expiring within 7 days'),
});

export const listMyTokensOutput = z.looseObject({
  tokens: z.array(tokenOutput).describe('Newest first, at most 100'),
});

export const tokenHistoryOutput = z.looseObject({
  tokenId: id('Token id'),
  events: z.array(
    z.looseObject({
      position: z.string().describe('Opaque position in the global log'),
      streamName: z.string(),
      revision: z.number().int(),
      type: z.string().describe('TokenCreated, TokenRevoked, …'),
      data: z.record(z.string(), z.unknown()),
      metadata: z
        .record(z.string(), z.unknown())
        .describe('occurredAt, actor, requestId, schemaVersion'),
    }),
  ),
  next: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last one'),
});
