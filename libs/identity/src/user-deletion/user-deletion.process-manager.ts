import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandRunner, ProcessManager, ProjectionRunner } from '@pat/application';
import type { RecordedEvent } from '@pat/event-store';
import { TOKEN_QUERIES, TokenQueries } from '@pat/read-model';
import { CommandContext, DomainError } from '@pat/shared';
import { RevokeTokenCommand } from '@pat/tokens';
import { usernameReservationAggregate } from '../aggregates';
import {
  asUserEvent,
  decideReleaseUsername,
  usernameKey,
  usernameReservationStream,
} from '../domain/user';

/**
 * After `UserDeleted`: one `TokenRevoked` (reason `user_deleted`) per live token of the user,
 * then the username is released. Driven by its own checkpointed subscription, so a crash half-way
 * resumes here after restart; revoking an already revoked token is skipped, so it is idempotent.
 * (Authentication already refuses the user's tokens from the moment of deletion.)
 */
@Injectable()
export class UserDeletionProcessManager implements ProcessManager {
  readonly name = 'user-deletion';

  constructor(
    private readonly commandBus: CommandBus,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionRunner,
    @Inject(TOKEN_QUERIES) private readonly tokenQueries: TokenQueries,
  ) {}

  handles(event: RecordedEvent): boolean {
    return event.type === 'UserDeleted';
  }

  async handle(event: RecordedEvent): Promise<void> {
    const deleted = asUserEvent(event);
    if (deleted?.type !== 'UserDeleted') return;
    const { userId, username } = deleted.data;
    const context: CommandContext = {
      actor: { userId: event.metadata.actor.userId, via: 'system' },
      requestId: event.metadata.requestId,
    };
    // The token list must include every token created before the deletion.
    await this.projections.waitForPosition(event.position);
    for (const token of await this.tokenQueries.listTokensByUser(userId)) {
      if (token.revokedAt !== null) continue;
      try {
        await this.commandBus.execute(
          new RevokeTokenCommand(token.tokenId, null, 'user_deleted', context),
        );
      } catch (error) {
        // Revoked meanwhile (by the user, an admin or an earlier run of this handler).
        if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
      }
    }
    const key = usernameKey(username);
    await this.commands.run(
      usernameReservationStream(key),
      usernameReservationAggregate,
      (state) => decideReleaseUsername(state, { usernameKey: key, userId }),
      context,
    );
  }
}
