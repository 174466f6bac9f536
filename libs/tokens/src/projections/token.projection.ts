import type { Projector } from '@pat/application';
import type { ReadModelChange } from '@pat/read-model';
import type { TokenCreatedData, TokenRevokedData, TokenUsedData } from '../domain/token';
import { TOKEN_POLICY_STREAM } from '../domain/token-policy';

/** Token and token-policy events → token documents and the policy document. */
export const projectTokenEvents: Projector = (event): ReadModelChange[] => {
  switch (event.type) {
    case 'TokenCreated': {
      const data = event.data as TokenCreatedData;
      return [
        {
          collection: 'tokens',
          id: data.tokenId,
          revision: event.revision,
          set: {
            tokenId: data.tokenId,
            userId: data.userId,
            name: data.name,
            tokenHash: data.tokenHash,
            tokenHint: data.tokenHint,
            createdAt: data.createdAt,
            expiresAt: data.expiresAt,
            revokedAt: null,
            revokedReason: null,
            lastUsedAt: null,
            lastUsedIp: null,
            lastUsedUserAgent: null,
          },
        },
      ];
    }
    case 'TokenRevoked': {
      const data = event.data as TokenRevokedData;
      return [
        {
          collection: 'tokens',
          id: data.tokenId,
          revision: event.revision,
          set: { revokedAt: data.revokedAt, revokedReason: data.reason },
        },
      ];
    }
    case 'TokenUsed': {
      const data = event.data as TokenUsedData;
      return [
        {
          collection: 'tokens',
          id: data.tokenId,
          revision: event.revision,
          set: { lastUsedAt: data.usedAt, lastUsedIp: data.ip, lastUsedUserAgent: data.userAgent },
        },
      ];
    }
    case 'TokenPolicyChanged': {
      if (event.streamName !== TOKEN_POLICY_STREAM) return [];
      const data = event.data as { maxLifetimeDays: number };
      return [
        {
          collection: 'tokenPolicy',
          id: 'current',
          revision: event.revision,
          set: { maxLifetimeDays: data.maxLifetimeDays },
        },
      ];
    }
    default:
      return [];
  }
};
