import type { CommandContext } from '@pat/shared';
import type { RejectionReason, RequestOrigin, UsedToken } from '../domain/token';

/**
 * Where the bearer check reports what it saw (the usage trail): the tokens context's port, so
 * authentication depends on this contract rather than on how the trail is recorded. Both calls
 * return at once; origin and context are asked for only when something is recorded.
 */
export interface UsageSink {
  recordUse(
    token: UsedToken & { readonly lastUsedAt: string | null },
    originOf: () => RequestOrigin,
    contextOf: () => CommandContext,
  ): void;
  recordRejection(
    token: UsedToken,
    reason: RejectionReason,
    originOf: () => RequestOrigin,
    contextOf: () => CommandContext,
  ): void;
}

export const USAGE_SINK = Symbol('UsageSink');
