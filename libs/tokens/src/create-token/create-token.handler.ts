import { randomBytes, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandRunner, documentFromEvents } from '@pat/application';
import { TOKEN_QUERIES, TokenQueries } from '@pat/read-model';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import { decideCreateToken, tokenStream } from '../domain/token';
import { generateTokenSecret, hashToken, tokenHint } from '../domain/token-secret';
import { projectTokenEvents } from '../projections/token.projection';
import { tokenAggregate } from '../token-aggregate';
import { TokenPolicyReader } from '../token-policy-reader';
import { CreatedTokenView, toTokenView } from '../token-view';
import { CreateTokenCommand } from './create-token.command';
import { PerKeyQueue } from './per-user-queue';

@CommandHandler(CreateTokenCommand)
export class CreateTokenHandler implements ICommandHandler<CreateTokenCommand> {
  /** One creation per user at a time, so that the active-token count cannot be raced. */
  private readonly perUser = new PerKeyQueue();

  constructor(
    private readonly commands: CommandRunner,
    private readonly currentPolicy: TokenPolicyReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries,
  ) {}

  execute(command: CreateTokenCommand): Promise<CreatedTokenView> {
    return this.perUser.run(command.userId, () => this.create(command));
  }

  private async create(command: CreateTokenCommand): Promise<CreatedTokenView> {
    const secret = generateTokenSecret(this.config.tokenPrefix, randomBytes);
    const tokenId = randomUUID();
    const policy = await this.currentPolicy.get();
    const now = this.clock.now();
    // Active as listings show it: not revoked, effective expiry (capped by this policy) after now.
    const active = await this.tokenQueries.countActiveTokensOfUser(command.userId, {
      at: now.toISOString(),
      maxLifetimeDays: policy.maxLifetimeDays,
    });
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
          { now, policy, activeTokens: { active, max: this.config.maxActiveTokensPerUser } },
        ),
      command.context,
    );
    // The document as the projection made it of these events: what the next read returns.
    const record = documentFromEvents(projectTokenEvents, 'tokens', tokenId, events);
    const view = toTokenView(record, policy, now);
    // The only place the plaintext ever leaves the process.
    return { ...view, token: secret };
  }
}
