import {
  ActiveAt,
  BoundedQueries,
  KeysetPage,
  TokenPolicyQueries,
  TokenPolicyRecord,
  TokenQueries,
  TokenRecord,
  TokenSortKey,
  createdAfterFor,
} from '../read-model.port';
import type { MongoStoreConnection } from './mongo-connection';
import { MongoModels, TokenDoc, TokenPolicyDoc, stripIds, toToken } from './mongo-documents';

/** The token and token-policy queries of the MongoDB read model. */
export class MongoTokenQueries
  implements
    Omit<TokenQueries, 'findTokenCredential'>,
    Omit<BoundedQueries, 'listUsersPage'>,
    TokenPolicyQueries
{
  constructor(
    private readonly models: MongoModels,
    private readonly mongo: MongoStoreConnection,
  ) {}

  findTokenByHash(tokenHash: string): Promise<TokenRecord | null> {
    return this.mongo.run(async () =>
      toToken(await this.models.tokens.findOne({ tokenHash: { $eq: tokenHash } }).lean<TokenDoc>()),
    );
  }

  findTokenById(tokenId: string): Promise<TokenRecord | null> {
    return this.mongo.run(async () =>
      toToken(await this.models.tokens.findOne({ _id: { $eq: tokenId } }).lean<TokenDoc>()),
    );
  }

  listTokensByUser(userId: string): Promise<TokenRecord[]> {
    return this.mongo.run(async () => {
      const docs = await this.models.tokens
        .find({ userId: { $eq: userId } })
        .sort({ createdAt: -1, _id: -1 })
        .lean<TokenDoc[]>();
      return docs.map((doc) => toToken(doc)!);
    });
  }

  listTokensOfUserPage(userId: string, page: KeysetPage<TokenSortKey>): Promise<TokenRecord[]> {
    return this.mongo.run(async () => {
      const after = page.after;
      const docs = await this.models.tokens
        .find({
          userId: { $eq: userId },
          ...(after
            ? {
                $or: [
                  { createdAt: { $lt: after.createdAt } },
                  { createdAt: { $eq: after.createdAt }, _id: { $lt: after.tokenId } },
                ],
              }
            : {}),
        })
        .sort({ createdAt: -1, _id: -1 })
        .limit(page.limit)
        .lean<TokenDoc[]>();
      return docs.map((doc) => toToken(doc)!);
    });
  }

  countActiveTokensOfUser(userId: string, active: ActiveAt): Promise<number> {
    return this.mongo.run(() =>
      this.models.tokens
        .countDocuments({
          userId: { $eq: userId },
          revokedAt: null,
          expiresAt: { $gt: active.at },
          createdAt: { $gt: createdAfterFor(active) },
        })
        .exec(),
    );
  }

  /**
   * No join here (FerretDB has no `$lookup` to rely on): a page of candidate tokens, then their
   * owners deleted by the instant are looked up and their tokens dropped, and the page is filled
   * up from further candidates. Such tokens are rare: the deletion's process manager revokes them
   * right after, and once revoked the store filter already leaves them out.
   */
  listTokensActiveAtPage(
    active: ActiveAt,
    userId: string | null,
    page: KeysetPage<TokenSortKey>,
  ): Promise<TokenRecord[]> {
    return this.mongo.run(async () => {
      const found: TokenRecord[] = [];
      let after = page.after;
      for (;;) {
        const wanted = page.limit - found.length;
        const docs = await this.models.tokens
          .find({
            $and: [
              ...(userId === null ? [] : [{ userId: { $eq: userId } }]),
              { createdAt: { $gt: createdAfterFor(active), $lte: active.at } },
              { expiresAt: { $gt: active.at } },
              { $or: [{ revokedAt: null }, { revokedAt: { $gt: active.at } }] },
              ...(after
                ? [
                    {
                      $or: [
                        { createdAt: { $gt: after.createdAt } },
                        { createdAt: { $eq: after.createdAt }, _id: { $gt: after.tokenId } },
                      ],
                    },
                  ]
                : []),
            ],
          })
          .sort({ createdAt: 1, _id: 1 })
          .limit(wanted)
          .lean<TokenDoc[]>();
        if (docs.length === 0) return found;
        const owners = [...new Set(docs.map((doc) => doc.userId))];
        const gone = await this.models.users
          .find({ _id: { $in: owners }, deletedAt: { $lte: active.at } }, { _id: 1 })
          .lean<Array<{ _id: string }>>();
        const goneIds = new Set(gone.map((user) => user._id));
        for (const doc of docs) if (!goneIds.has(doc.userId)) found.push(toToken(doc)!);
        if (docs.length < wanted || found.length >= page.limit) return found;
        const last = docs[docs.length - 1];
        after = { createdAt: last.createdAt, tokenId: last._id };
      }
    });
  }

  getTokenPolicy(): Promise<TokenPolicyRecord | null> {
    return this.mongo.run(async () => {
      const doc = await this.models.tokenPolicy
        .findOne({ _id: { $eq: 'current' } })
        .lean<TokenPolicyDoc>();
      return doc ? (stripIds(doc) as unknown as TokenPolicyRecord) : null;
    });
  }
}
