import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, documentFromEvents } from '@pat/application';
import { TOKEN_QUERIES, TokenQueries } from '@pat/read-model';
import { CLOCK, Clock, isUuid, notFound } from '@pat/shared';
import { decideRevokeToken, tokenStream } from '../domain/token';
import { projectTokenEvents } from '../projections/token.projection';
import { tokenAggregate } from '../token-aggregate';
import { TokenPolicyReader } from '../token-policy-reader';
import { TokenView, toTokenView } from '../token-view';
import { RevokeTokenCommand } from './revoke-token.command';

@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(
    private readonly commands: CommandRunner,
    @Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries,
    private readonly currentPolicy: TokenPolicyReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RevokeTokenCommand): Promise<TokenView> {
    if (!isUuid(command.tokenId)) throw notFound('Token not found');
    const now = this.clock.now();
    // Decided on the event stream, not the read model: the stream is the truth and the append
    // is guarded by its revision, so concurrent revokes yield exactly one TokenRevoked. The
    // decider is also the one ownership check: another user's token is "not found" there.
    const { events } = await this.commands.run(
      tokenStream(command.tokenId),
      tokenAggregate,
      (state) =>
        decideRevokeToken(
          state,
          { tokenId: command.tokenId, ownerId: command.ownerId, reason: command.reason },
          { now },
        ),
      command.context,
    );
    // The stored document carries the usage trail; the revocation is applied on top of it the
    // way the read model applies it (a no-op once the inline projection has shown it).
    const stored = await this.tokenQueries.findTokenById(command.tokenId);
    // Only a read model wiped meanwhile lacks it: answered as before, as not found.
    if (!stored) throw notFound('Token not found');
    const record = documentFromEvents(
      projectTokenEvents,
      'tokens',
      command.tokenId,
      events,
      stored,
    );
    return toTokenView(record, await this.currentPolicy.get(), now);
  }
}
