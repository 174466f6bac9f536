import type { DocumentReadModel } from '@pat/application';
import type { DocumentChange } from '@pat/documents';
import { asTokenEvent } from '../../domain/token';

/** One document per token: whose it is and whether it was revoked — enough to count. */
export const TOKEN_SUMMARIES = 'token_summaries';

/**
 * Per-user token counts for the admin views: a read model of its own on the document store,
 * built from the token streams' events, with its own checkpoint. Documents are guarded by the
 * token stream's revision, so a replayed event changes nothing.
 */
export const tokenCountsReadModel: DocumentReadModel = {
  name: 'token-counts.v1',
  collections: [{ name: TOKEN_SUMMARIES, indexes: [{ fields: ['userId', 'revoked'] }] }],
  project(recorded): DocumentChange[] {
    const event = asTokenEvent(recorded);
    switch (event?.type) {
      case 'TokenCreated': {
        const { data } = event;
        return [
          {
            collection: TOKEN_SUMMARIES,
            id: data.tokenId,
            revision: recorded.revision,
            set: { userId: data.userId, createdAt: data.createdAt, revoked: false },
          },
        ];
      }
      case 'TokenRevoked': {
        const { data } = event;
        return [
          {
            collection: TOKEN_SUMMARIES,
            id: data.tokenId,
            revision: recorded.revision,
            set: { revoked: true },
          },
        ];
      }
      default:
        return [];
    }
  },
};
