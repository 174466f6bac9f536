import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, assertBuilt, freePort, serverEnvironment } from '../support/spawn-server';
import {
  API,
  TestApp,
  bearer,
  createToken,
  dropReadModel,
  signIn,
  startTestApp,
} from '../support/test-app';

/**
 * docs/design/contract.md §10: TOKEN_PREFIX may list the current prefix first and earlier
 * ones after. New tokens get the first; tokens of every listed prefix authenticate; dropping a
 * prefix that active tokens still have is reported at start in one warning line; well-known
 * services' prefixes are refused.
 */
describe('Changing TOKEN_PREFIX', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pat-prefix-'));
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(async () => {
    if (process.env.MONGODB_URI) await dropReadModel(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  // One array for every start: nestjs-pino keeps the first app's destination for the process.
  const logs: string[] = [];
  let startedAt = 0;
  const start = async (env: Record<string, string> = {}) => {
    startedAt = logs.length;
    t = await startTestApp({ dataDir, env, logs });
    return t;
  };
  const me = (app: TestApp, token: string) => app.http().get(`${API}/me`).set(bearer(token));
  /** The lines logged since the last start. */
  const logged = () => logs.slice(startedAt);
  const warnings = () => logged().filter((line) => line.includes('no longer in TOKEN_PREFIX'));

  let old: string;
  let newer: string;

  it('starts with the default prefix', async () => {
    const app = await start();
    const admin = await signIn(app);
    const created = await createToken(app, admin);
    old = created.token;
    expect(old).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
    // A revoked token of the old prefix is no one's loss: it is not counted below.
    const revoked = await createToken(app, admin, { name: 'gone', expiresInDays: 7 });
    await app.http().post(`${API}/me/tokens/${revoked.id}/revoke`).set('Cookie', admin).expect(200);
    await me(app, old).expect(200);
  });

  it('with TOKEN_PREFIX=new_,tgp_ an old tgp_ token still authenticates and new tokens get new_', async () => {
    const app = await start({ TOKEN_PREFIX: 'new_,tgp_' });
    await me(app, old).expect(200);
    const admin = await signIn(app);
    const created = await createToken(app, admin, { name: 'newer', expiresInDays: 30 });
    newer = created.token;
    expect(newer).toMatch(/^new_[0-9A-Za-z]{36}$/);
    expect(created.body.tokenHint).toBe(`new_…${newer.slice(-4)}`);
    await me(app, newer).expect(200);
    const listed = await app.http().get(`${API}/me/tokens`).set('Cookie', admin).expect(200);
    expect(
      listed.body.map((token: { tokenHint: string }) => token.tokenHint.slice(0, 4)).sort(),
    ).toEqual(['new_', 'tgp_', 'tgp_']);

    // Either prefix is scrubbed from what the log keeps of a request.
    await me(app, newer).set('X-Request-Id', `${old}+${newer}`).expect(200);
    const text = logged().join('');
    expect(text).not.toContain(old.slice(4));
    expect(text).not.toContain(newer.slice(4));
    expect(text).toContain('"clientRequestId":"[REDACTED]+[REDACTED]"');
    expect(warnings()).toEqual([]);
  });

  it('with TOKEN_PREFIX=new_ the old token is 401 and the start says so in one warning line', async () => {
    const app = await start({ TOKEN_PREFIX: 'new_' });
    const lines = warnings();
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]) as { level: number; msg: string };
    expect(entry.level).toBe(40);
    expect(entry.msg).toBe(
      '1 active token has prefix(es) no longer in TOKEN_PREFIX (tgp_); it no longer ' +
        'authenticates. List the prefix after the current one in TOKEN_PREFIX to keep them working.',
    );
    const refused = await me(app, old).expect(401);
    expect(refused.headers['www-authenticate']).toContain('invalid_token');
    await me(app, newer).expect(200);
  });

  it('TOKEN_PREFIX=ghp_ stops the process with one line naming the variable', async () => {
    assertBuilt();
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        ...serverEnvironment(dataDir, port, { TOKEN_PREFIX: 'ghp_' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Invalid configuration: TOKEN_PREFIX must not use "ghp_", the prefix of GitHub tokens/,
    );
  });
});
