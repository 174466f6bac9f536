import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, EventStore, RecordedEvent } from '@pat/event-store';
import { ManualClock } from '@pat/shared';
import {
  API,
  TestApp,
  backendEnvironment,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';
import { seedEventLog } from '../support/seed-events';
import { CLI, assertCliBuilt, cli } from '../support/cli';

const DAY_MS = 24 * 60 * 60 * 1000;

const isMongo = () => Boolean(backendEnvironment('x').MONGODB_URI);

async function allEvents(t: TestApp): Promise<RecordedEvent[]> {
  return t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100_000 });
}

/** The table row (a line of the output) that mentions this text. */
function rowOf(output: string, text: string): string {
  const row = output.split('\n').find((line) => line.includes(text));
  if (!row) throw new Error(`no row with ${text} in:\n${output}`);
  return row;
}

describe('Operator CLI: day-to-day commands', () => {
  beforeAll(() => {
    assertCliBuilt();
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const result = cli(tmpdir(), flag);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  describe('on a log with users and tokens in every state', () => {
    // The CLI computes status with the real clock: the app's clock starts 10 days back, so a
    // 1-day token is expired now and a 30-day one is active.
    let t: TestApp;
    const plaintexts: string[] = [];
    const ids: Record<string, string> = {};
    let aliceId = '';
    let carolId = '';

    beforeAll(async () => {
      t = await startTestApp({ clock: new ManualClock(new Date(Date.now() - 10 * DAY_MS)) });
      const admin = await signIn(t);
      const alice = await createUser(t, admin, { username: 'alice', password: 'alice-password' });
      aliceId = alice.id;
      for (const [name, expiresInDays] of [
        ['active', 30],
        ['expired', 1],
        ['revoked', 30],
        ['to-revoke', 30],
      ] as const) {
        const created = await createToken(t, alice.cookie, { name, expiresInDays });
        ids[name] = created.id;
        plaintexts.push(created.token);
        t.clock.advance(1000);
      }
      await t.http().get(`${API}/me`).set(bearer(plaintexts[0])).expect(200);
      await t
        .http()
        .post(`${API}/me/tokens/${ids.revoked}/revoke`)
        .set('Cookie', alice.cookie)
        .expect(200);
      const bob = await createUser(t, admin, { username: 'bob', password: 'bob-password-1' });
      const bobs = await createToken(t, bob.cookie, { name: 'bobs', expiresInDays: 30 });
      ids.bobs = bobs.id;
      plaintexts.push(bobs.token);
      const carol = await createUser(t, admin, { username: 'carol', password: 'carol-password' });
      carolId = carol.id;
      await t
        .http()
        .delete(`${API}/admin/users/${carol.id}`)
        .set('Cookie', await signIn(t))
        .expect((res) => expect(res.status).toBeLessThan(300));
    }, 60_000);
    afterAll(() => t.dispose());

    const noPlaintext = (...outputs: string[]) => {
      for (const output of outputs) {
        for (const token of plaintexts) expect(output.includes(token)).toBe(false);
      }
    };

    it('while the API runs on the embedded stores, reads answer from a replay of the log and a revoke names the lock', async () => {
      const users = cli(t.dataDir, 'list-users');
      expect(users.code).toBe(0);
      expect(users.stdout).toContain('alice');
      const tokens = cli(t.dataDir, 'list-tokens', '--all');
      expect(tokens.code).toBe(0);
      expect(rowOf(tokens.stdout, ids.revoked)).toContain('Revoked');
      if (isMongo()) {
        // MongoDB serves several processes: read as it is, no replay.
        expect(tokens.stderr).toBe('');
        return;
      }
      expect(tokens.stderr).toMatch(
        /in use by the running API: answering from a replay of \d+ events/,
      );
      const before = (await allEvents(t)).length;
      const revoke = cli(t.dataDir, 'revoke-token', ids['to-revoke']);
      expect(revoke.code).toBe(1);
      expect(revoke.stderr).toMatch(/is open in another process/);
      expect((await allEvents(t)).length).toBe(before);
    }, 60_000);

    it('list-users: username, id, flags, created, and deleted users marked; never a password hash', async () => {
      await t.close();
      const result = cli(t.dataDir, 'list-users');
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^USERNAME\s+ID\s+FLAGS\s+CREATED\s+DELETED$/);
      expect(lines.slice(1, -1).map((line) => line.split(/\s+/)[0])).toEqual([
        'admin',
        'alice',
        'bob',
        'carol',
      ]);
      expect(rowOf(result.stdout, 'admin ')).toMatch(/\badmin\s+\d{4}-\d\d-\d\dT.*\s-$/);
      expect(rowOf(result.stdout, aliceId)).toMatch(/^alice\s+\S+\s+-\s+\S+Z\s+-$/);
      expect(rowOf(result.stdout, carolId)).toMatch(/^carol\s+\S+\s+-\s+\S+Z\s+\d{4}-\S+Z$/);
      expect(lines.at(-1)).toBe('4 user(s)');

      const active = cli(t.dataDir, 'list-users', '--active', '--json');
      const listed = JSON.parse(active.stdout) as Array<Record<string, unknown>>;
      expect(listed.map((user) => user.username)).toEqual(['admin', 'alice', 'bob']);
      expect(Object.keys(listed[1]).sort()).toEqual(
        ['createdAt', 'deletedAt', 'id', 'isAdmin', 'isAuditor', 'username'].sort(),
      );
      expect(listed[0]).toMatchObject({ username: 'admin', isAdmin: true });
      expect(result.stdout + active.stdout).not.toMatch(/argon2|passwordHash/);
    });

    it('list-tokens: by user or all, status as the API computes it, hints only', () => {
      const alice = cli(t.dataDir, 'list-tokens', '--user', 'ALICE');
      expect(alice.code).toBe(0);
      expect(rowOf(alice.stdout, ids.active)).toMatch(/\sactive\s+tgp_…\S{4}\s+Active\s/);
      expect(rowOf(alice.stdout, ids.expired)).toMatch(/\sExpired\s/);
      expect(rowOf(alice.stdout, ids.revoked)).toMatch(/\sRevoked\s.*Z\s+-$/);
      // Last used: only the token that authenticated.
      expect(rowOf(alice.stdout, ids.active)).toMatch(/Z\s+-\s+\d{4}-\S+Z$/);
      expect(alice.stdout).not.toContain(ids.bobs);
      expect(alice.stdout.trim().split('\n').at(-1)).toBe('4 token(s)');

      const all = cli(t.dataDir, 'list-tokens', '--all', '--json');
      expect(all.code).toBe(0);
      const tokens = JSON.parse(all.stdout) as Array<Record<string, unknown>>;
      expect(tokens.map((token) => token.name)).toEqual([
        'bobs',
        'to-revoke',
        'revoked',
        'expired',
        'active',
      ]);
      expect(tokens.map((token) => token.status)).toEqual([
        'Active',
        'Active',
        'Revoked',
        'Expired',
        'Active',
      ]);
      expect(tokens[0]).toMatchObject({
        username: 'bob',
        tokenHint: expect.stringMatching(/^tgp_…/),
      });
      for (const token of tokens) expect(token).not.toHaveProperty('tokenHash');
      noPlaintext(alice.stdout, all.stdout);

      const unknown = cli(t.dataDir, 'list-tokens', '--user', 'nobody');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim()).toBe('No user named "nobody"');
    });

    it('revoke-token: the TokenRevoked the API would append (reason admin, actor the CLI); a second revoke is refused; the token stops working', async () => {
      const id = ids['to-revoke'];
      const revoked = cli(t.dataDir, 'revoke-token', id);
      expect(revoked.stderr).toBe('');
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toMatch(
        new RegExp(`^Revoked token ${id} \\("to-revoke", tgp_…\\S{4}\\) at \\d{4}-\\S+Z\\n$`),
      );

      const again = cli(t.dataDir, 'revoke-token', id);
      expect(again.code).toBe(1);
      expect(again.stderr.trim()).toBe(`Token ${id} is already revoked`);
      const missing = cli(t.dataDir, 'revoke-token', '00000000-0000-4000-8000-000000000000');
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe('Token not found');

      expect(rowOf(cli(t.dataDir, 'list-tokens', '--user', 'alice').stdout, id)).toMatch(
        /\sRevoked\s/,
      );
      const restarted = await startTestApp({ dataDir: t.dataDir, clock: t.clock });
      try {
        const revocations = (await allEvents(restarted)).filter(
          (event) => event.type === 'TokenRevoked' && event.streamName === `token-${id}`,
        );
        expect(revocations).toHaveLength(1);
        expect(revocations[0].data).toMatchObject({
          tokenId: id,
          userId: aliceId,
          reason: 'admin',
        });
        expect(revocations[0].metadata.actor).toEqual({ userId: null, via: 'cli' });
        await restarted
          .http()
          .get(`${API}/me`)
          .set(bearer(plaintexts[3]))
          .expect(401)
          .expect('WWW-Authenticate', /revoked/);
      } finally {
        await restarted.close();
      }
      noPlaintext(revoked.stdout, again.stdout, again.stderr);
    }, 60_000);
  });

  describe('refuses what the API refuses, with one clear line', () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'pat-cli-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('a bad email, a bad username or a short password: the API DTO’s messages, nothing written', () => {
      const badEmail = cli(
        dataDir,
        'create-user',
        '--username',
        'dora',
        '--password',
        'dora-password',
        '--email',
        'not-an-email',
      );
      expect(badEmail.code).toBe(1);
      expect(badEmail.stderr.trim()).toBe('email must be an email address');
      const several = cli(dataDir, 'create-user', '--username', 'a b', '--password', 'short');
      expect(several.code).toBe(1);
      expect(several.stderr.trim()).toBe(
        'username must be 3 to 64 characters: letters, digits, dot, underscore, hyphen or @; ' +
          'password must be 8 to 256 characters without spaces',
      );
      // Refused before any store was opened or written.
      expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(false);
      const created = cli(
        dataDir,
        'create-user',
        '--username',
        'dora',
        '--password',
        'dora-password',
        '--email',
        'dora@example.com',
      );
      expect(created.code).toBe(0);
    });

    it('a typo in --type names the known event types, the same rule as the audit API', async () => {
      const out = join(dataDir, 'export.ndjson');
      const typo = cli(dataDir, 'export-events', '--type', 'UserCreated,TokenRevokd', '--out', out);
      expect(typo.code).toBe(1);
      expect(typo.stderr.trim()).toBe(
        '--type names unknown event type(s) "TokenRevokd"; known types: TokenCreated, ' +
          'TokenRevoked, TokenUsed, TokenRejected, TokenPolicyChanged, UserCreated, UserUpdated, ' +
          'UserDeleted, UsernameReserved, UsernameReleased, ProjectCreated, ProjectRenamed, ' +
          'ProjectNameReserved, ProjectNameReleased, MemberAdded, MemberRoleChanged, MemberRemoved',
      );
      expect(existsSync(out)).toBe(false);
      const good = cli(dataDir, 'export-events', '--type', 'UserCreated');
      expect(good.code).toBe(0);
      expect(good.stdout.trim().split('\n')).toHaveLength(1);

      const t = await startTestApp();
      try {
        const response = await t
          .http()
          .get(`${API}/audit/events`)
          .set('Cookie', await signIn(t))
          .query({ type: 'TokenRevokd' })
          .expect(400);
        expect(response.body.message).toMatch(
          /^type names unknown event type\(s\) "TokenRevokd"; known types: TokenCreated, /,
        );
      } finally {
        await t.dispose();
      }
    });

    it('mutually exclusive or missing flags are refused', () => {
      const both = cli(dataDir, 'list-tokens', '--user', 'dora', '--all');
      expect(both.code).not.toBe(0);
      expect(both.stderr.trim()).toBe(
        "error: option '--user <username>' cannot be used with option '--all'",
      );
      const neither = cli(dataDir, 'list-tokens');
      expect(neither.code).toBe(1);
      expect(neither.stderr.trim()).toBe('Say whose tokens: --user <username> or --all');
      const status = cli(
        dataDir,
        'token-status',
        '--at',
        '2026-01-01T00:00:00Z',
        '--user',
        'u',
        '--token',
        't',
      );
      expect(status.code).not.toBe(0);
      expect(status.stderr.trim()).toBe(
        "error: option '--user <userId>' cannot be used with option '--token <tokenId>'",
      );
    });
  });

  describe('progress', () => {
    it('plain lines when stderr is not a terminal; the bar only on a terminal', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'pat-cli-'));
      try {
        await seedEventLog(join(dataDir, 'events.sqlite'), 2_000);
        const piped = cli(dataDir, 'rebuild-read-model');
        expect(piped.code).toBe(0);
        expect(piped.stderr).toContain('Replaying 2000 events\n');
        expect(piped.stderr).toContain('Replayed 2000/2000 events (');
        // eslint-disable-next-line no-control-regex -- no carriage return, no escape code
        expect(piped.stderr).not.toMatch(/[\r\u001b]|\[[█░=-]/);

        // util-linux `script` runs the command on a pseudo-terminal.
        const env = { ...backendEnvironment(dataDir), DATA_DIR: dataDir };
        const command = `${process.execPath} ${CLI} rebuild-read-model`;
        const onTerminal = spawnSync('script', ['-qec', command, '/dev/null'], {
          env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
          encoding: 'utf8',
          timeout: 240_000,
        });
        expect(onTerminal.status).toBe(0);
        expect(onTerminal.stdout).toMatch(/Replaying \[[█░]+\] \d+% \| \d+\/2000 events/);
        expect(onTerminal.stdout).not.toContain('Replaying 2000 events');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }, 300_000);
  });
});
