import { randomBytes, randomUUID } from 'node:crypto';
import { ReadModelUnavailableError } from '@pat/read-model';
import type { SessionRecord, SessionStore } from '../session-store.port';

/**
 * The behaviour every SessionStore adapter must show. `reopen` closes the store and opens a new
 * one on the same storage; each harness starts from an empty store.
 */
export interface SessionStoreHarness {
  readonly store: SessionStore;
  reopen(): Promise<SessionStore>;
  /**
   * Writes a session the way the adapter stored it before password proofs were recorded (no
   * proof time, no password version), straight into the storage (called on an empty store; the
   * store may be closed by it, and `reopen` follows).
   */
  saveLegacy(
    idHash: string,
    session: { userId: string; createdAt: string; expiresAt: string },
  ): Promise<void>;
  dispose(): Promise<void>;
}

/** A session id hash as the session service makes it: SHA-256, hex. */
const newIdHash = () => randomBytes(32).toString('hex');

const HOUR_MS = 3_600_000;
/** Fixed times, in the form the session service writes (`Date#toISOString()`). */
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

const session = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  userId: 'user-1',
  createdAt: at(T0),
  expiresAt: at(T0 + 8 * HOUR_MS),
  passwordProvenAt: at(T0),
  passwordVersion: 0,
  ...overrides,
});

export function describeSessionStoreContract(
  adapterName: string,
  createHarness: () => Promise<SessionStoreHarness>,
): void {
  describe(`SessionStore contract: ${adapterName}`, () => {
    let harness: SessionStoreHarness;
    let store: SessionStore;

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('saves a session and finds it by its id hash', async () => {
      const idHash = newIdHash();
      const saved = session({ expiresAt: at(T0 + 8 * HOUR_MS + 123) });
      await store.save(idHash, saved);
      expect(await store.find(idHash)).toEqual(saved);
      expect(await store.find(newIdHash())).toBeNull();
    });

    it('overwrites the session saved under the same id hash', async () => {
      const idHash = newIdHash();
      await store.save(idHash, session());
      const replacement = session({
        userId: 'user-2',
        createdAt: at(T0 + HOUR_MS),
        expiresAt: at(T0 + 9 * HOUR_MS),
      });
      await store.save(idHash, replacement);
      expect(await store.find(idHash)).toEqual(replacement);
    });

    it('survives concurrent saves of one new session', async () => {
      const idHash = newIdHash();
      const versions = Array.from({ length: 10 }, (_, i) =>
        session({ userId: `user-${i}`, expiresAt: at(T0 + (i + 1) * HOUR_MS) }),
      );
      await Promise.all(versions.map((version) => store.save(idHash, version)));
      expect(versions).toContainEqual(await store.find(idHash));
    });

    it('deletes one session and leaves the others', async () => {
      const [a, b] = [newIdHash(), newIdHash()];
      await store.save(a, session());
      await store.save(b, session());
      await store.delete(a);
      expect(await store.find(a)).toBeNull();
      expect(await store.find(b)).toEqual(session());
      // Deleting what is not there is not an error (logging out twice).
      await expect(store.delete(a)).resolves.toBeUndefined();
      await expect(store.delete(newIdHash())).resolves.toBeUndefined();
    });

    it('deletes every session of one user, leaving other users’ sessions untouched', async () => {
      const user = randomUUID();
      const other = randomUUID();
      const mine = [newIdHash(), newIdHash(), newIdHash()];
      const theirs = newIdHash();
      for (const idHash of mine) await store.save(idHash, session({ userId: user }));
      await store.save(theirs, session({ userId: other }));

      await store.deleteByUser(user);
      for (const idHash of mine) expect(await store.find(idHash)).toBeNull();
      expect(await store.find(theirs)).toEqual(session({ userId: other }));
      await expect(store.deleteByUser(randomUUID())).resolves.toBeUndefined();
    });

    it('purges sessions that have expired by the time a new one is saved', async () => {
      const expired = newIdHash();
      const expiresNow = newIdHash();
      const live = newIdHash();
      await store.save(expired, session({ expiresAt: at(T0 + HOUR_MS) }));
      await store.save(expiresNow, session({ expiresAt: at(T0 + 2 * HOUR_MS) }));
      await store.save(live, session({ expiresAt: at(T0 + 2 * HOUR_MS + 1) }));

      const fresh = newIdHash();
      await store.save(fresh, session({ createdAt: at(T0 + 2 * HOUR_MS) }));
      expect(await store.find(expired)).toBeNull();
      expect(await store.find(expiresNow)).toBeNull();
      expect(await store.find(live)).not.toBeNull();
      expect(await store.find(fresh)).not.toBeNull();
    });

    it('stores the password proof time and version as saved, including a null proof', async () => {
      const [proven, unproven] = [newIdHash(), newIdHash()];
      await store.save(proven, session({ passwordProvenAt: at(T0 + 5), passwordVersion: 7 }));
      await store.save(unproven, session({ passwordProvenAt: null, passwordVersion: 3 }));
      expect(await store.find(proven)).toEqual(
        session({ passwordProvenAt: at(T0 + 5), passwordVersion: 7 }),
      );
      expect(await store.find(unproven)).toEqual(
        session({ passwordProvenAt: null, passwordVersion: 3 }),
      );
    });

    it('records a fresh password proof on one session only', async () => {
      const [a, b] = [newIdHash(), newIdHash()];
      await store.save(a, session({ passwordProvenAt: null }));
      await store.save(b, session({ passwordProvenAt: null }));
      expect(await store.markPasswordProven(a, at(T0 + HOUR_MS), 4)).toBe(true);
      expect(await store.find(a)).toEqual(
        session({ passwordProvenAt: at(T0 + HOUR_MS), passwordVersion: 4 }),
      );
      expect(await store.find(b)).toEqual(session({ passwordProvenAt: null }));
      // A session that is gone stays gone: nothing is created.
      const missing = newIdHash();
      expect(await store.markPasswordProven(missing, at(T0 + HOUR_MS), 4)).toBe(false);
      expect(await store.find(missing)).toBeNull();
    });

    it('deletes every other session of one user, keeping one and other users’ sessions', async () => {
      const user = randomUUID();
      const other = randomUUID();
      const keep = newIdHash();
      const others = [newIdHash(), newIdHash()];
      const theirs = newIdHash();
      await store.save(keep, session({ userId: user }));
      for (const idHash of others) await store.save(idHash, session({ userId: user }));
      await store.save(theirs, session({ userId: other }));

      await store.deleteByUserExcept(user, keep);
      expect(await store.find(keep)).toEqual(session({ userId: user }));
      for (const idHash of others) expect(await store.find(idHash)).toBeNull();
      expect(await store.find(theirs)).toEqual(session({ userId: other }));
    });

    it('reads a session saved before proofs were recorded as never proven, version 0', async () => {
      const idHash = newIdHash();
      const legacy = { userId: 'user-1', createdAt: at(T0), expiresAt: at(T0 + 8 * HOUR_MS) };
      await harness.saveLegacy(idHash, legacy);
      store = await harness.reopen();
      expect(await store.find(idHash)).toEqual({
        ...legacy,
        passwordProvenAt: null,
        passwordVersion: 0,
      });
      expect(await store.markPasswordProven(idHash, at(T0 + 1), 2)).toBe(true);
      expect(await store.find(idHash)).toEqual({
        ...legacy,
        passwordProvenAt: at(T0 + 1),
        passwordVersion: 2,
      });
    });

    it('keeps sessions across close and reopen', async () => {
      const idHash = newIdHash();
      await store.save(idHash, session());
      store = await harness.reopen();
      expect(await store.find(idHash)).toEqual(session());
    });

    it('answers ping while reachable', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('fails with ReadModelUnavailableError once closed', async () => {
      await store.close();
      await expect(store.ping()).rejects.toBeInstanceOf(ReadModelUnavailableError);
      await expect(store.find(newIdHash())).rejects.toBeInstanceOf(ReadModelUnavailableError);
      await expect(store.save(newIdHash(), session())).rejects.toBeInstanceOf(
        ReadModelUnavailableError,
      );
      // Closing twice is harmless.
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
