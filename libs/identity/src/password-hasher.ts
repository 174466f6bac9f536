import { availableParallelism } from 'node:os';
import { Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { Argon2Workers } from './argon2-workers';
import { WorkSlots, WorkSlotsFullError } from './work-slots';

// Algorithm.Argon2id in @node-rs/argon2 (a const enum, which isolated modules cannot inline).
const ARGON2ID = 2;

/** Hashes that may wait for a slot; a flood beyond them is refused rather than queued. */
export const MAX_WAITING_HASHES = 64;

/** 503 (Retry-After, from the exception filter): too many password checks under way. */
export class PasswordHashingBusyException extends ServiceUnavailableException {
  constructor() {
    super('Too many sign-ins and password changes are being checked at once; try again shortly');
  }
}

/**
 * Argon2id (memory-hard) with the OWASP-recommended baseline: 19 MiB, 2 passes, 1 lane.
 * Verifying against a fixed dummy hash when the user is unknown keeps login timing uniform.
 *
 * At most one hash per core but one runs at once, on threads of lowered priority
 * (argon2-workers.ts), so a flood of sign-ins leaves a core, and the first call on the CPU, to
 * everything else (token requests, the event loop); a bounded number wait, the rest get 503.
 */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private static readonly options = {
    algorithm: ARGON2ID,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  };
  private readonly threads = Math.max(1, availableParallelism() - 1);
  private readonly slots = new WorkSlots(this.threads, MAX_WAITING_HASHES);
  private readonly workers = new Argon2Workers(this.threads);
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return this.bounded(() => this.hashNow(password));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    if (passwordHash === null) {
      // Made once, outside the slots: a refused first attempt must not leave it rejected.
      this.dummyHash ??= this.hashNow('not-a-real-password').catch((error: unknown) => {
        this.dummyHash = null;
        throw error;
      });
      const dummy = await this.dummyHash;
      await this.bounded(() => this.verifyNow(dummy, password));
      return false;
    }
    return this.bounded(() => this.verifyNow(passwordHash, password));
  }

  async onModuleDestroy(): Promise<void> {
    await this.workers.close();
  }

  private hashNow(password: string): Promise<string> {
    return this.workers.run<string>({ op: 'hash', password, options: PasswordHasher.options });
  }

  /** A malformed stored hash verifies as false, as before. */
  private verifyNow(passwordHash: string, password: string): Promise<boolean> {
    return this.workers
      .run<boolean>({ op: 'verify', hash: passwordHash, password })
      .catch(() => false);
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.slots.run(work);
    } catch (error) {
      if (error instanceof WorkSlotsFullError) throw new PasswordHashingBusyException();
      throw error;
    }
  }
}
