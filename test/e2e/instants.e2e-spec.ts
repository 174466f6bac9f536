import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, ServerProcess, startServer } from '../support/spawn-server';
import { API } from '../support/test-app';

/**
 * Instants are absolute (issue 13): on a server whose time zone is 14 h ahead of UTC, an
 * `expiresAt` (or audit `at`) without a UTC offset is refused with a 400 naming the field, and
 * instants with `Z` or `+14:00` mean exactly the instant they name.
 */
describe('Instants with and without a UTC offset (built process, TZ=Pacific/Kiritimati)', () => {
  let dataDir: string;
  let server: ServerProcess;
  let http: HttpClient;
  let cookie: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pat-instants-'));
    server = await startServer({ dataDir, env: { TZ: 'Pacific/Kiritimati' } });
    http = new HttpClient(server.baseUrl);
    cookie = await http.signIn();
  });
  afterAll(async () => {
    http?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const create = (expiresAt: string) =>
    http.post(`${API}/me/tokens`, {
      headers: { Cookie: cookie },
      body: { name: `tz ${expiresAt}`, expiresAt },
    });

  /** A whole second 30 days from now, in UTC: `YYYY-MM-DDTHH:MM:SS`. */
  const in30Days = () =>
    new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000).toISOString().slice(0, 19);

  it('refuses an expiresAt without an offset, naming the field', async () => {
    for (const expiresAt of [in30Days(), `${in30Days()}.000`, in30Days().slice(0, 10)]) {
      const response = await create(expiresAt);
      expect([expiresAt, response.status]).toEqual([expiresAt, 400]);
      const body = response.json<{ message: string; errors: Array<{ field: string }> }>();
      expect(body.errors.map((error) => error.field)).toEqual(['expiresAt']);
      expect(body.message).toMatch(/expiresAt must be .*UTC offset/);
    }
  });

  it('takes Z and +14:00 as the instants they name, whatever the server’s time zone', async () => {
    const utc = in30Days();
    const withZ = await create(`${utc}Z`);
    expect(withZ.status).toBe(201);
    expect(withZ.json().expiresAt).toBe(`${utc}.000Z`);

    // The same wall-clock time at +14:00 is 14 hours earlier.
    const plus14 = await create(`${utc}+14:00`);
    expect(plus14.status).toBe(201);
    expect(plus14.json().expiresAt).toBe(
      new Date(Date.parse(`${utc}Z`) - 14 * 3_600_000).toISOString(),
    );
  });

  it('refuses an audit `at` without an offset, and takes one with an offset', async () => {
    const created = await create(`${in30Days()}Z`);
    const tokenId = created.json<{ id: string }>().id;
    const without = await http.get(
      `${API}/audit/tokens/${tokenId}/status?at=${encodeURIComponent(in30Days())}`,
      { headers: { Cookie: cookie } },
    );
    expect(without.status).toBe(400);
    expect(without.json().errors.map((error: { field: string }) => error.field)).toEqual(['at']);
    const withOffset = await http.get(
      `${API}/audit/tokens/${tokenId}/status?at=${encodeURIComponent(`${in30Days()}+14:00`)}`,
      { headers: { Cookie: cookie } },
    );
    expect(withOffset.status).toBe(200);
  });
});
