import { availableParallelism } from 'node:os';
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
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
 * At most one hash per core but one runs at once, so a flood of sign-ins leaves a core for
 * everything else (token requests, the event loop); a bounded number wait, the rest get 503.
 */
@Injectable()
export class PasswordHasher {
  private static readonly options = {
    algorithm: ARGON2ID,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  };
  private readonly slots = new WorkSlots(
    Math.max(1, availableParallelism() - 1),
    MAX_WAITING_HASHES,
  );
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return this.bounded(() => hash(password, PasswordHasher.options));
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    if (passwordHash === null) {
      // Made once, outside the slots: a refused first attempt must not leave it rejected.
      this.dummyHash ??= hash('not-a-real-password', PasswordHasher.options);
      const dummy = await this.dummyHash;
      await this.bounded(() => verify(dummy, password).catch(() => false));
      return false;
    }
    return this.bounded(() => verify(passwordHash, password).catch(() => false));
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
