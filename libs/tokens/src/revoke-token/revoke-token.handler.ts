import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { CLOCK, Clock, isUuid, notFound } from '@pat/shared';
import { decideRevokeToken, tokenStream } from '../domain/token';
import { tokenAggregate } from '../token-aggregate';
import { TokenReader } from '../token-reader';
import { TokenPolicyReader } from '../token-policy-reader';
import { TokenView, toTokenView } from '../token-view';
import { RevokeTokenCommand } from './revoke-token.command';

@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly tokens: TokenReader,
    private readonly currentPolicy: TokenPolicyReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RevokeTokenCommand): Promise<TokenView> {
    if (!isUuid(command.tokenId)) throw notFound('Token not found');
    const now = this.clock.now();
    // Decided on the event stream, not the read model: the stream is the truth and the append
    // is guarded by its revision, so concurrent revokes yield exactly one TokenRevoked.
    await this.commands.run(
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
    const record = await this.tokens.require(command.tokenId, command.ownerId);
    return toTokenView(record, await this.currentPolicy.get(), now);
  }
}
