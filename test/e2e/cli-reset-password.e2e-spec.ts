import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  API,
  backendEnvironment,
  bearer,
  createToken,
  createUser,
  dropReadModel,
  filesUnder,
  signIn,
  startTestApp,
} from '../support/test-app';
import { assertCliBuilt, cli } from '../support/cli';

const PASSWORD_CHANGE_REQUIRED = {
  statusCode: 403,
  error: 'password_change_required',
  message: 'Set a new password first (PUT /api/v1/me/password)',
};

describe('CLI reset-password', () => {
  beforeAll(() => {
    assertCliBuilt();
  });

  it('prints a one-time password once, ends the sessions, and the user must set a new one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pat-cli-reset-'));
    try {
      let t = await startTestApp({ dataDir });
      const admin = await signIn(t);
      const alice = await createUser(t, admin, { username: 'alice', password: 'alice-password' });
      const token = await createToken(t, alice.cookie);
      if (!backendEnvironment(dataDir).MONGODB_URI) {
        // As create-user: the embedded read model belongs to the running API.
        const refused = cli(dataDir, 'reset-password', '--user', 'alice');
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/is open in another process/);
      }
      await t.close();

      const unknown = cli(dataDir, 'reset-password', '--user', 'nobody');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim()).toBe('No user named "nobody"');

      // Any case, as sign-in: usernames are unique ignoring case.
      const reset = cli(dataDir, 'reset-password', '--user', 'ALICE');
      expect(reset.stderr).toBe('');
      expect(reset.code).toBe(0);
      expect(reset.stdout).toContain(`Reset the password of alice (${alice.id})`);
      const oneTime = /One-time password: (\S+)/.exec(reset.stdout)?.[1];
      expect(oneTime).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(reset.stdout.split(oneTime!).length - 1).toBe(1);
      // Printed, never stored: only its hash is in the event log and the read model.
      for (const file of filesUnder(dataDir)) {
        expect({ file: file.path, found: file.content.includes(oneTime!) }).toEqual({
          file: file.path,
          found: false,
        });
      }

      t = await startTestApp({ dataDir, clock: t.clock });
      try {
        // The session started under the old password ended; the old password no longer works.
        await t.http().get(`${API}/me`).set('Cookie', alice.cookie).expect(401);
        await t
          .http()
          .post(`${API}/session`)
          .send({ username: 'alice', password: 'alice-password' })
          .expect(401);
        // The user's older token is held back too, until the new password is set.
        const held = await t.http().get(`${API}/me/tokens`).set(bearer(token.token)).expect(403);
        expect(held.body).toEqual(PASSWORD_CHANGE_REQUIRED);

        const cookie = await signIn(t, 'alice', oneTime);
        const me = await t.http().get(`${API}/me`).set('Cookie', cookie).expect(200);
        expect(me.body.passwordChangeRequired).toBe(true);
        const blocked = await t.http().get(`${API}/me/tokens`).set('Cookie', cookie).expect(403);
        expect(blocked.body).toEqual(PASSWORD_CHANGE_REQUIRED);

        await t
          .http()
          .put(`${API}/me/password`)
          .set('Cookie', cookie)
          .send({ currentPassword: oneTime, newPassword: 'alice-new-password' })
          .expect(204);
        await t.http().get(`${API}/me/tokens`).set('Cookie', cookie).expect(200);
        await t.http().get(`${API}/me`).set(bearer(token.token)).expect(200);

        // The reset is on the record as the CLI's doing.
        const events = await t
          .http()
          .get(`${API}/audit/events`)
          .query({ type: 'UserUpdated', userId: alice.id })
          .set('Cookie', await signIn(t))
          .expect(200);
        const [byCli] = events.body.events as {
          data: Record<string, unknown>;
          metadata: { actor: { via: string } };
        }[];
        expect(byCli.data.passwordChangeRequired).toBe(true);
        expect(byCli.metadata.actor.via).toBe('cli');
      } finally {
        await t.close();
      }
    } finally {
      if (process.env.MONGODB_URI) await dropReadModel(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
