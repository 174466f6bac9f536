import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CommandRunner, DocumentProjectionRunner } from '@pat/application';
import { DOCUMENT_STORE, DocumentStore } from '@pat/documents';
import { TOKEN_SUMMARIES } from './token-counts.read-model';
import type { TokenCountsView } from './token-counts.view';

export class TokenCountsQuery extends Query<TokenCountsView> {
  constructor(readonly userId: string) {
    super();
  }
}

@QueryHandler(TokenCountsQuery)
export class TokenCountsHandler implements IQueryHandler<TokenCountsQuery> {
  constructor(
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    private readonly projections: DocumentProjectionRunner,
    private readonly commands: CommandRunner,
  ) {}

  async execute({ userId }: TokenCountsQuery): Promise<TokenCountsView> {
    // Read-your-writes: what this instance just wrote is counted.
    await this.projections.waitForPosition(this.commands.lastAppended);
    const [total, revoked] = await Promise.all([
      this.documents.count(TOKEN_SUMMARIES, { userId }),
      this.documents.count(TOKEN_SUMMARIES, { userId, revoked: true }),
    ]);
    return { userId, total, revoked, notRevoked: total - revoked };
  }
}
