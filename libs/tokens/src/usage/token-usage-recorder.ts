import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandRunner } from '@pat/application';
import { APP_CONFIG, AppConfig, CLOCK, Clock, CommandContext, scrubSecrets } from '@pat/shared';
import {
  RejectionReason,
  RequestOrigin,
  TokenRejected,
  TokenUsed,
  UsedToken,
  recordTokenRejection,
  recordTokenUse,
  tokenUsageStream,
} from '../domain/token';
import type { UsageSink } from './usage-sink.port';

const SWEEP_ABOVE = 10_000;

/**
 * The usage trail: `TokenUsed` when a token authenticates and `TokenRejected` when an expired or
 * revoked one is presented, each at most once per token per interval, in the token's usage
 * stream — appended without reading it and without a revision check, so it never races a revoke
 * and never lengthens what commands read. Off the request path: the throttle decision is
 * synchronous (so 100 concurrent attempts claim one slot), the append runs later and a failure
 * is only logged — it never slows or fails a request.
 *
 * The throttle is per process: several API instances may each record once per interval.
 */
@Injectable()
export class TokenUsageRecorder implements UsageSink {
  private readonly logger = new Logger(TokenUsageRecorder.name);
  private readonly lastRecorded = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly commands: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Origin and context are asked for only when a use is recorded: working out the caller's
   * address costs more than the rest of an authenticated request's check.
   */
  recordUse(
    token: UsedToken & { readonly lastUsedAt: string | null },
    originOf: () => RequestOrigin,
    contextOf: () => CommandContext,
  ): void {
    const now = this.clock.now();
    const key = `used:${token.tokenId}`;
    const last = this.lastRecorded.get(key);
    if (last !== undefined && now.getTime() - last < this.interval) return;
    // After a restart the read model still knows the last recorded use.
    const lastInReadModel = token.lastUsedAt ? Date.parse(token.lastUsedAt) : NaN;
    if (now.getTime() - lastInReadModel < this.interval) {
      this.lastRecorded.set(key, lastInReadModel);
      return;
    }
    if (!this.claim(key, now)) return;
    const origin = scrubbed(originOf());
    this.later(recordTokenUse(token, { ...origin, usedAt: now }), contextOf());
  }

  recordRejection(
    token: UsedToken,
    reason: RejectionReason,
    originOf: () => RequestOrigin,
    contextOf: () => CommandContext,
  ): void {
    const now = this.clock.now();
    if (!this.claim(`rejected:${token.tokenId}`, now)) return;
    const origin = scrubbed(originOf());
    this.later(recordTokenRejection(token, { ...origin, rejectedAt: now, reason }), contextOf());
  }

  /** Resolves when every recording started so far has been written (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private get interval(): number {
    return this.config.tokenUsageIntervalMs;
  }

  private claim(key: string, now: Date): boolean {
    const last = this.lastRecorded.get(key);
    if (last !== undefined && now.getTime() - last < this.interval) return false;
    this.lastRecorded.set(key, now.getTime());
    if (this.lastRecorded.size > SWEEP_ABOVE) this.sweep(now);
    return true;
  }

  private sweep(now: Date): void {
    for (const [key, last] of this.lastRecorded) {
      if (now.getTime() - last >= this.interval) this.lastRecorded.delete(key);
    }
  }

  private later(event: TokenUsed | TokenRejected, context: CommandContext): void {
    const tokenId = event.data.tokenId;
    const work = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.commands.record(tokenUsageStream(tokenId), [event], context))
      .then(
        () => undefined,
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          this.logger.warn(`Could not record the usage of token ${tokenId}: ${message}`);
        },
      )
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }
}

/**
 * The user agent (and, behind a trusted proxy, the forwarded address) are whatever the client
 * sent: a token pasted there must not reach the event log. Scrubbed whole, before the domain cuts
 * the user agent to length, so no half token is left.
 */
function scrubbed(origin: RequestOrigin): RequestOrigin {
  return {
    ip: origin.ip === null ? null : scrubSecrets(origin.ip),
    userAgent: origin.userAgent === null ? null : scrubSecrets(origin.userAgent),
  };
}
