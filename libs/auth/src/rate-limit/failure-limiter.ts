import { HttpException, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pat/shared';
import Redis from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export type FailureKind = 'bearer' | 'login';

/** 429 with Retry-After (seconds). */
export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Too many failed attempts; try again in ${retryAfterSeconds} s`,
      },
      429,
    );
  }
}

/**
 * Counts FAILED sign-ins and FAILED bearer attempts per client, and refuses a client over its
 * limit with 429 until the window ends. Only failures are counted, and a client's blocked state
 * is checked in process memory, so successful requests pay a map lookup and nothing more, even
 * when the counts are shared through Redis across API instances. If Redis is unreachable the
 * counts fall back to this process's memory.
 */
@Injectable()
export class FailureLimiter implements OnModuleDestroy {
  private readonly logger = new Logger(FailureLimiter.name);
  private readonly limiters: Record<FailureKind, RateLimiterAbstract>;
  private readonly blockedUntil = new Map<string, number>();
  private readonly redis: Redis | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const windows: Record<FailureKind, { points: number; duration: number }> = {
      bearer: { points: config.bearerFailureLimit, duration: 60 },
      login: { points: config.loginFailureLimit, duration: 15 * 60 },
    };
    this.redis = config.redisUrl
      ? new Redis(config.redisUrl, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          lazyConnect: false,
        })
      : null;
    this.redis?.on('error', (error: Error) =>
      this.logger.warn(`Redis for rate limiting: ${error.message}`),
    );
    const make = (kind: FailureKind): RateLimiterAbstract => {
      const options = {
        ...windows[kind],
        blockDuration: windows[kind].duration,
        keyPrefix: `pat:${kind}`,
      };
      const memory = new RateLimiterMemory(options);
      return this.redis
        ? new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: memory })
        : memory;
    };
    this.limiters = { bearer: make('bearer'), login: make('login') };
  }

  /**
   * Throws 429 if the client is blocked; synchronous and in memory. The key is worked out only
   * when some client is blocked at all (finding the caller's address is not free).
   */
  assertAllowed(kind: FailureKind, keyOf: string | (() => string)): void {
    if (this.blockedUntil.size === 0) return;
    const key = typeof keyOf === 'string' ? keyOf : keyOf();
    const until = this.blockedUntil.get(`${kind}:${key}`);
    if (until === undefined) return;
    const wait = until - Date.now();
    if (wait <= 0) {
      this.blockedUntil.delete(`${kind}:${key}`);
      return;
    }
    throw new TooManyAttemptsException(Math.ceil(wait / 1000));
  }

  /** Counts one failure; at the limit the client is blocked for the rest of the window. */
  async recordFailure(kind: FailureKind, key: string): Promise<void> {
    try {
      const counted = await this.limiters[kind].consume(key);
      if (counted.remainingPoints === 0) {
        this.blockedUntil.set(`${kind}:${key}`, Date.now() + counted.msBeforeNext);
      }
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        this.blockedUntil.set(`${kind}:${key}`, Date.now() + rejection.msBeforeNext);
        return;
      }
      const message = rejection instanceof Error ? rejection.message : String(rejection);
      this.logger.warn(`Could not count a failed ${kind} attempt: ${message}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.redis?.disconnect();
  }
}
