import { Module } from '@nestjs/common';
import { ActiveTokensAtHandler } from './active-tokens-at/active-tokens-at.handler';
import { AuditLog } from './audit-log';
import { ListEventsController } from './list-events/list-events.controller';
import { ListEventsHandler } from './list-events/list-events.handler';
import { PointInTimeController } from './point-in-time.controller';
import { ReplayActiveTokensAtHandler } from './active-tokens-at/replay-active-tokens-at.handler';
import { TokenStatusAtHandler } from './token-status-at/token-status-at.handler';

/** Read-only access to the record for administrators and auditors (docs/design/contract.md §8). */
@Module({
  controllers: [ListEventsController, PointInTimeController],
  providers: [
    AuditLog,
    ListEventsHandler,
    TokenStatusAtHandler,
    ActiveTokensAtHandler,
    ReplayActiveTokensAtHandler,
  ],
  exports: [AuditLog],
})
export class AuditModule {}
