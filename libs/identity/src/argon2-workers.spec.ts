import { hash } from '@node-rs/argon2';
import { Argon2Workers } from './argon2-workers';

describe('Argon2Workers', () => {
  const workers = new Argon2Workers(2);
  afterAll(async () => {
    await workers.close();
  });

  it('hashes and verifies on its threads', async () => {
    const stored = await workers.run<string>({
      op: 'hash',
      password: 'pw',
      options: { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 },
    });
    expect(stored).toMatch(/^\$argon2id\$/);
    await expect(workers.run({ op: 'verify', hash: stored, password: 'pw' })).resolves.toBe(true);
    await expect(workers.run({ op: 'verify', hash: stored, password: 'no' })).resolves.toBe(false);
    // Interchangeable with hashes made elsewhere (the ones already stored).
    const legacy = await hash('old', { algorithm: 2 });
    await expect(workers.run({ op: 'verify', hash: legacy, password: 'old' })).resolves.toBe(true);
  });

  it('rejects a malformed stored hash instead of hanging', async () => {
    await expect(
      workers.run({ op: 'verify', hash: 'not-a-hash', password: 'x' }),
    ).rejects.toThrow();
  });

  it('runs its threads at a lowered priority (nice 10 on Linux), the process itself untouched', async () => {
    const { getPriority } = await import('node:os');
    const before = getPriority();
    // Elsewhere nice is per process, so the threads are left as they are.
    const expected = process.platform === 'linux' ? 10 : before;
    await expect(workers.run({ op: 'priority' })).resolves.toBe(expected);
    expect(getPriority()).toBe(before);
  });
});
