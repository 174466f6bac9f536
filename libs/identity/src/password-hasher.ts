import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id in @node-rs/argon2 (a const enum, which isolated modules cannot inline).
const ARGON2ID = 2;

/**
 * Argon2id (memory-hard) with the OWASP-recommended baseline: 19 MiB, 2 passes, 1 lane.
 * Verifying against a fixed dummy hash when the user is unknown keeps login timing uniform.
 */
@Injectable()
export class PasswordHasher {
  private static readonly options = {
    algorithm: ARGON2ID,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  };
  private dummyHash: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password, PasswordHasher.options);
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    if (passwordHash === null) {
      this.dummyHash ??= this.hash('not-a-real-password');
      await verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    return verify(passwordHash, password).catch(() => false);
  }
}
