import {
  MAX_WAITING_HASHES,
  PasswordHasher,
  PasswordHashingBusyException,
} from './password-hasher';

describe('PasswordHasher', () => {
  const hashers: PasswordHasher[] = [];
  const made = () => {
    const hasher = new PasswordHasher();
    hashers.push(hasher);
    return hasher;
  };
  afterAll(async () => {
    await Promise.all(hashers.map((h) => h.onModuleDestroy()));
  });

  it('verifies what it hashed, and nothing else', async () => {
    const hasher = made();
    const stored = await hasher.hash('correct horse');
    await expect(hasher.verify(stored, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(stored, 'wrong horse')).resolves.toBe(false);
    await expect(hasher.verify(null, 'correct horse')).resolves.toBe(false);
  });

  it('refuses a flood beyond its waiting line with 503 instead of queueing it all', async () => {
    const hasher = made();
    const stored = await hasher.hash('correct horse');
    const flood = 3 * MAX_WAITING_HASHES;
    const outcomes = await Promise.allSettled(
      Array.from({ length: flood }, () => hasher.verify(stored, 'wrong horse')),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    const checked = outcomes.filter((o) => o.status === 'fulfilled');
    // Every refusal is the clear 503; the checks that ran are at most the slots plus the line.
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(PasswordHashingBusyException);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThan(flood);
    expect(checked.length).toBeGreaterThanOrEqual(MAX_WAITING_HASHES);
    const busy = refused[0].reason as PasswordHashingBusyException;
    expect(busy.getStatus()).toBe(503);
    expect(String((busy.getResponse() as { message: string }).message)).toMatch(/try again/);
    // Once the flood has drained, checks run again.
    await expect(hasher.verify(stored, 'correct horse')).resolves.toBe(true);
  });
});
