import { execFileSync } from 'node:child_process';
import { readdirSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  HttpClient,
  HttpResponse,
  ServerProcess,
  startServer,
  waitFor,
} from '../support/spawn-server';
import { API, dropReadModel } from '../support/test-app';
import { fillUntilFull, mountTmpfs, unmount } from '../support/volumes';

/**
 * The built service with DATA_DIR on a small tmpfs of its own, the fault made from outside: the
 * volume filled up under the running process, then emptied again; the service started on a
 * full or read-only volume. While the event log cannot be written no token is honoured (a
 * revocation could not be recorded) and readiness says why; once space returns both recover
 * without a restart, and every write answered before is still there.
 */

const embeddedLog = !process.env.EVENTSTORE_CONNECTION_STRING;
// With EventStoreDB configured the log is not on DATA_DIR, so there is nothing to fill here.
const describeEmbedded = embeddedLog ? describe : describe.skip;

interface CreatedToken {
  readonly id: string;
  readonly token: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describeEmbedded('An event log that cannot be written', () => {
  let volume: string;
  let server: ServerProcess | null = null;
  let client: HttpClient | null = null;

  beforeAll(() => {
    volume = mountTmpfs('48m');
  });
  afterEach(async () => {
    client?.close();
    client = null;
    await server?.kill();
    server = null;
  });
  afterAll(async () => {
    if (process.env.MONGODB_URI) await dropReadModel(dataDir());
    if (volume) unmount(volume);
  });

  // Named after the volume, so that its MongoDB database (named after the folder) is its own.
  const dataDir = () => join(volume, basename(volume));

  async function start(startTimeoutMs = 30_000) {
    server = await startServer({ dataDir: dataDir(), startTimeoutMs });
    client = new HttpClient(server.baseUrl, { maxSockets: 4 });
    return { server, client };
  }

  async function createToken(http: HttpClient, cookie: string, name: string) {
    const response = await http.post(`${API}/me/tokens`, {
      headers: { cookie },
      body: { name, expiresInDays: 30 },
    });
    expect(response.status).toBe(201);
    const body = response.json<CreatedToken>();
    return { id: body.id, token: body.token };
  }

  const me = (http: HttpClient, token: string) => http.get(`${API}/me`, { headers: bearer(token) });

  it('answers 503 to every token while the volume is full, says why, and recovers when space returns', async () => {
    const { client: http } = await start();
    const cookie = await http.signIn();
    const victim = await createToken(http, cookie, 'victim');
    const bystander = await createToken(http, cookie, 'bystander');
    expect((await me(http, victim.token)).status).toBe(200);

    const filler = join(volume, 'filler');
    fillUntilFull(filler);

    const revoke = await http.post(`${API}/me/tokens/${victim.id}/revoke`, { headers: { cookie } });
    expect(revoke.status).toBe(503);
    // The revocation could not be recorded: neither that token nor any other is honoured.
    expect((await me(http, victim.token)).status).toBe(503);
    expect((await me(http, bystander.token)).status).toBe(503);
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(eventStoreMessage(ready)).toBe(
      `The event log cannot be written: SQLITE_FULL (disk full?) in ${join(dataDir(), 'events.sqlite')}`,
    );
    const create = await http.post(`${API}/me/tokens`, {
      headers: { cookie },
      body: { name: 'while-full', expiresInDays: 30 },
    });
    expect(create.status).toBe(503);

    unlinkSync(filler);
    await waitFor(
      async () => (await http.get('/health/ready')).status === 200,
      10_000,
      'readiness to recover',
    );
    expect((await me(http, bystander.token)).status).toBe(200);
    // The same process, no restart: the revocation goes through now and holds.
    const retried = await http.post(`${API}/me/tokens/${victim.id}/revoke`, {
      headers: { cookie },
    });
    expect(retried.status).toBe(200);
    expect((await me(http, victim.token)).status).toBe(401);
    const later = await createToken(http, cookie, 'after-recovery');

    // Every write answered before, during and after is there, in the listing and in the log,
    // once each — also after a restart.
    const expectEverything = async (client: HttpClient, session: string) => {
      const tokens = (await client.get(`${API}/me/tokens`, { headers: { cookie: session } })).json<
        Array<{ id: string; name: string; status: string }>
      >();
      expect(tokens.map((t) => [t.name, t.status]).sort()).toEqual([
        ['after-recovery', 'Active'],
        ['bystander', 'Active'],
        ['victim', 'Revoked'],
      ]);
      const log = (
        await client.get(`${API}/audit/events?limit=1000`, { headers: { cookie: session } })
      ).json<{ events: Array<{ type: string; data: { tokenId?: string } }> }>().events;
      const tokenEvents = log
        .filter((e) => e.type === 'TokenCreated' || e.type === 'TokenRevoked')
        .map((e) => [e.type, e.data.tokenId]);
      expect(tokenEvents).toEqual([
        ['TokenCreated', victim.id],
        ['TokenCreated', bystander.id],
        ['TokenRevoked', victim.id],
        ['TokenCreated', later.id],
      ]);
    };
    await expectEverything(http, cookie);
    http.close();
    await server!.stop();
    const restarted = await start();
    await expectEverything(restarted.client, await restarted.client.signIn());
    expect((await me(restarted.client, bystander.token)).status).toBe(200);
  });

  it('starts on a full volume whose -shm files are gone, or refuses in one line naming the file', async () => {
    // A data folder from the test before, its process killed so that -wal and -shm files remain.
    const { server: first, client: http } = await start();
    await http.signIn();
    http.close();
    await first.kill();
    for (const name of readdirSync(dataDir())) {
      if (name.endsWith('-shm')) unlinkSync(join(dataDir(), name));
    }
    const filler = join(volume, 'filler');
    fillUntilFull(filler);
    try {
      const outcome = await startOrRefusal();
      if ('refusal' in outcome) {
        expect(outcome.refusal).toMatch(/^Failed to start: .*\.sqlite/);
        expect(outcome.refusal).toMatch(/disk full/);
      } else {
        // It started: then it must not honour tokens while it cannot record a revocation.
        const ready = await outcome.client.get('/health/ready');
        expect(ready.status).toBe(503);
        expect(eventStoreMessage(ready)).toMatch(/SQLITE_(FULL|IOERR)/);
      }
    } finally {
      unlinkSync(filler);
    }
  });

  it('starts with the -shm files missing after a crash, with everything there', async () => {
    const { server: first, client: http } = await start();
    const cookie = await http.signIn();
    const kept = await createToken(http, cookie, 'kept-across-crash');
    http.close();
    await first.kill();
    const shmFiles = readdirSync(dataDir()).filter((name) => name.endsWith('-shm'));
    expect(shmFiles.length).toBeGreaterThan(0);
    for (const name of shmFiles) unlinkSync(join(dataDir(), name));

    const restarted = await start();
    expect((await restarted.client.get('/health/ready')).status).toBe(200);
    expect((await me(restarted.client, kept.token)).status).toBe(200);
  });

  it('refuses to start on a read-only volume in one line naming the file, or serves nothing', async () => {
    // Linux refuses to remount a volume read-only while files on it are open for writing
    // ("mount point is busy"), so a running service cannot be caught by it: only a start can.
    // With the embedded read model the start is refused (the read model cannot be opened for
    // writing); with only the event log on the volume (MONGODB_URI), SQLite may open it for
    // reading, and then the write probe must keep every credential refused.
    execFileSync('mount', ['-o', 'remount,ro', volume]);
    try {
      const outcome = await startOrRefusal();
      if (!process.env.MONGODB_URI) expect('refusal' in outcome).toBe(true);
      if ('refusal' in outcome) {
        expect(outcome.refusal.split('\n')).toHaveLength(1);
        expect(outcome.refusal).toMatch(/^Failed to start: .*\.sqlite/);
        expect(outcome.refusal).toMatch(/read-only/);
      } else {
        const ready = await outcome.client.get('/health/ready');
        expect(ready.status).toBe(503);
        expect(eventStoreMessage(ready)).toMatch(/SQLITE_READONLY|read-only/);
        const cookie = await outcome.client.signIn();
        const me = await outcome.client.get(`${API}/me`, { headers: { cookie } });
        expect(me.status).toBe(503);
        outcome.client.close();
      }
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', volume]);
    }
  });

  /** The started service, or the one line it printed when it refused to start (within 10 s). */
  async function startOrRefusal(): Promise<{ client: HttpClient } | { refusal: string }> {
    try {
      return await start(10_000);
    } catch (error) {
      const output = (error as Error).message.replace(/^the server exited during start:\n/, '');
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      return { refusal: lines[0] };
    }
  }
});

function eventStoreMessage(ready: HttpResponse): string | undefined {
  const body = ready.json<{ error?: Record<string, { message?: string }> }>();
  return body.error?.eventStore?.message;
}
