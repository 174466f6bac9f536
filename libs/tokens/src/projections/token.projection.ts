import type { Projector } from '@pat/application';
import type { ReadModelChange } from '@pat/read-model';
import {
  TokenCreatedData,
  TokenRevokedData,
  TokenUsedData,
  tokenUsageStream,
} from '../domain/token';
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
      const set = {
        lastUsedAt: data.usedAt,
        lastUsedIp: data.ip,
        lastUsedUserAgent: data.userAgent,
      };
      // Since 0.11.0 uses are in the usage stream, guarded by its revision; a log written before
      // holds them in the token's own stream, projected as they always were (docs/adr/0002).
      return event.streamName === tokenUsageStream(data.tokenId)
        ? [{ collection: 'tokenUsage', id: data.tokenId, revision: event.revision, set }]
        : [{ collection: 'tokens', id: data.tokenId, revision: event.revision, set }];
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
