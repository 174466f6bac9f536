import type { Projector } from '@pat/application';
import type { ReadModelChange } from '@pat/read-model';
import { asTokenEvent, tokenUsageStream } from '../domain/token';
import { TOKEN_POLICY_STREAM, asTokenPolicyEvent } from '../domain/token-policy';

/** Token and token-policy events → token documents and the policy document. */
export const projectTokenEvents: Projector = (recorded): ReadModelChange[] => {
  const policy = recorded.streamName === TOKEN_POLICY_STREAM ? asTokenPolicyEvent(recorded) : null;
  if (policy) {
    return [
      {
        collection: 'tokenPolicy',
        id: 'current',
        revision: recorded.revision,
        set: { maxLifetimeDays: policy.data.maxLifetimeDays },
      },
    ];
  }
  const event = asTokenEvent(recorded);
  switch (event?.type) {
    case 'TokenCreated': {
      const { data } = event;
      return [
        {
          collection: 'tokens',
          id: data.tokenId,
          revision: recorded.revision,
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
      const { data } = event;
      return [
        {
          collection: 'tokens',
          id: data.tokenId,
          revision: recorded.revision,
          set: { revokedAt: data.revokedAt, revokedReason: data.reason },
        },
      ];
    }
    case 'TokenUsed': {
      const { data } = event;
      const set = {
        lastUsedAt: data.usedAt,
        lastUsedIp: data.ip,
        lastUsedUserAgent: data.userAgent,
      };
      // Since 0.11.0 uses are in the usage stream, guarded by its revision; a log written before
      // holds them in the token's own stream, projected as they always were (docs/adr/0002).
      return recorded.streamName === tokenUsageStream(data.tokenId)
        ? [{ collection: 'tokenUsage', id: data.tokenId, revision: recorded.revision, set }]
        : [{ collection: 'tokens', id: data.tokenId, revision: recorded.revision, set }];
    }
    default:
      return [];
  }
};
