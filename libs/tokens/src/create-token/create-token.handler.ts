import { randomBytes, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner } from '@pat/application';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import { TokenCreatedData, decideCreateToken, tokenStream } from '../domain/token';
import { generateTokenSecret, hashToken, tokenHint } from '../domain/token-secret';
import { tokenAggregate } from '../token-aggregate';
import { CurrentTokenPolicy } from '../current-token-policy';
import { CreatedTokenView, toTokenView } from '../token-view';
import { CreateTokenCommand } from './create-token.command';

@CommandHandler(CreateTokenCommand)
export class CreateTokenHandler implements ICommandHandler<CreateTokenCommand> {
  constructor(
    private readonly commands: CommandRunner,
    private readonly currentPolicy: CurrentTokenPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(command: CreateTokenCommand): Promise<CreatedTokenView> {
    const secret = generateTokenSecret(this.config.tokenPrefix, randomBytes);
    const tokenId = randomUUID();
    const policy = await this.currentPolicy.get();
    const now = this.clock.now();
    const { events } = await this.commands.run(
      tokenStream(tokenId),
      tokenAggregate,
      (state) =>
        decideCreateToken(
          state,
          {
            tokenId,
            userId: command.userId,
            name: command.name,
            lifetime: command.lifetime,
            tokenHash: hashToken(secret),
            tokenHint: tokenHint(this.config.tokenPrefix, secret),
          },
          { now, policy },
        ),
      command.context,
    );
    const created = events[0].data as TokenCreatedData;
    const view = toTokenView(
      {
        ...created,
        revokedAt: null,
        revokedReason: null,
        lastUsedAt: null,
        lastUsedIp: null,
        lastUsedUserAgent: null,
        revision: 0,
      },
      policy,
      now,
    );
    // The only place the plaintext ever leaves the process.
    return { ...view, token: secret };
  }
}
