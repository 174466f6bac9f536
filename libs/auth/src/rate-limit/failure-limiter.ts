import { HttpException, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@pat/shared';
import Redis from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

/**
 * What is counted: failed bearer attempts per client; failed sign-ins per (client, username);
 * and failed sign-ins per client across all usernames, the ceiling that stops password
 * spraying (one password tried against many usernames).
 */
export type FailureKind = 'bearer' | 'login' | 'login-client';

/** One sign-in attempt as the limits see it: the client and the normalised username key. */
export interface SignInAttempt {
  readonly client: string;
  readonly username: string;
}

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
      'login-client': { points: config.loginClientFailureLimit, duration: 15 * 60 },
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
    this.limiters = {
      bearer: make('bearer'),
      login: make('login'),
      'login-client': make('login-client'),
    };
  }

  /**
   * Throws 429 if the client may not try to sign in now: over its limit for this username, or
   * over its ceiling across all usernames (Retry-After: the longer wait). In memory, no I/O, so
   * it costs nothing before the password check.
   */
  assertSignInAllowed({ client, username }: SignInAttempt): void {
    if (this.blockedUntil.size === 0) return;
    const wait = Math.max(
      this.msBlocked('login', signInKey(client, username)),
      this.msBlocked('login-client', client),
    );
    if (wait > 0) throw new TooManyAttemptsException(Math.ceil(wait / 1000));
  }

  /** Counts one failed sign-in against both limits. */
  async recordSignInFailure({ client, username }: SignInAttempt): Promise<void> {
    await Promise.all([
      this.recordFailure('login', signInKey(client, username)),
      this.recordFailure('login-client', client),
    ]);
  }

  /**
   * Throws 429 if the client is blocked; synchronous and in memory. The key is worked out only
   * when some client is blocked at all (finding the caller's address is not free).
   */
  assertAllowed(kind: FailureKind, keyOf: string | (() => string)): void {
    if (this.blockedUntil.size === 0) return;
    const wait = this.msBlocked(kind, typeof keyOf === 'string' ? keyOf : keyOf());
    if (wait > 0) throw new TooManyAttemptsException(Math.ceil(wait / 1000));
  }

  /** How long the key stays blocked (0: not blocked; an ended block is forgotten). */
  private msBlocked(kind: FailureKind, key: string): number {
    const until = this.blockedUntil.get(`${kind}:${key}`);
    if (until === undefined) return 0;
    const wait = until - Date.now();
    if (wait <= 0) this.blockedUntil.delete(`${kind}:${key}`);
    return Math.max(wait, 0);
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

function signInKey(client: string, username: string): string {
  return `${client}:${username}`;
}
