import { API, TestApp, createUser, signIn, startTestApp } from '../support/test-app';

/**
 * docs/design/contract.md §10: names people read cannot spoof. Token names, users' display names
 * and project names refuse bidirectional controls, zero-width and invisible characters and names
 * with nothing visible (400 naming the field); project names are unique ignoring case (409).
 */
describe('Names that cannot spoof', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
  });
  afterAll(() => t.dispose());

  const invisible = 'name must not contain invisible or bidirectional control characters';
  const blank = 'name must contain a visible character';
  const expectRefused = (
    response: { status: number; body: { message: string; errors: unknown } },
    message: string,
  ) => {
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(message);
    expect(response.body.errors).toEqual([{ field: 'name', messages: [message] }]);
  };

  const createTokenNamed = (name: string) =>
    t.http().post(`${API}/me/tokens`).set('Cookie', admin).send({ name, expiresInDays: 7 });
  const tokenCount = async () =>
    (await t.http().get(`${API}/me/tokens`).set('Cookie', admin).expect(200)).body.length as number;

  it.each([
    ['a right-to-left override', 'deploy\u202Egpj.exe', invisible],
    ['only a zero-width space', '\u200B', invisible],
    ['a left-to-right isolate', 'ci\u2066deploy', invisible],
    ['a Hangul filler', '\u3164', invisible],
    ['a tag character', 'ci\u{E0020}deploy', invisible],
    ['a soft hyphen', 'ad\u00ADmin', invisible],
    ['only spaces and a combining mark', ' \u0301 ', blank],
  ])(
    'refuses a token name with %s (400 naming the field) and creates nothing',
    async (_, name, message) => {
      const before = await tokenCount();
      expectRefused(await createTokenNamed(name), message);
      expect(await tokenCount()).toBe(before);
    },
  );

  it('accepts names in any script, with accents and emoji', async () => {
    for (const name of ['Prévisions ☕', '予測', 'مشروع', '\u2764\uFE0F deploy']) {
      const response = await createTokenNamed(name);
      expect(response.status).toBe(201);
      expect(response.body.name).toBe(name);
    }
  });

  it('refuses such display names when creating and changing a user; null still clears', async () => {
    const created = await t
      .http()
      .post(`${API}/admin/users`)
      .set('Cookie', admin)
      .send({ username: 'mallory', password: 'mallory-password-1', name: 'Admin\u200D' });
    expectRefused(created, invisible);
    const users = await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200);
    expect(users.body.map((u: { username: string }) => u.username)).not.toContain('mallory');

    const alice = await createUser(t, admin, {
      username: 'alice',
      password: 'alice-password-1',
    });
    for (const [name, message] of [
      ['Alice\u202B', invisible],
      ['\uFEFF', invisible],
      ['   ', blank],
    ]) {
      const patched = await t
        .http()
        .patch(`${API}/admin/users/${alice.id}`)
        .set('Cookie', admin)
        .send({ name });
      expectRefused(patched, message);
    }
    await t
      .http()
      .patch(`${API}/admin/users/${alice.id}`)
      .set('Cookie', admin)
      .send({ name: 'Alice Liddell' })
      .expect(200);
    const cleared = await t
      .http()
      .patch(`${API}/admin/users/${alice.id}`)
      .set('Cookie', admin)
      .send({ name: null })
      .expect(200);
    expect(cleared.body.name).toBeNull();
  });

  describe('project names', () => {
    const create = (name: string) =>
      t.http().post(`${API}/admin/projects`).set('Cookie', admin).send({ name });
    const rename = (id: string, name: string) =>
      t.http().patch(`${API}/admin/projects/${id}`).set('Cookie', admin).send({ name });
    const names = async () =>
      (await t.http().get(`${API}/admin/projects`).set('Cookie', admin).expect(200)).body
        .map((p: { name: string }) => p.name)
        .sort() as string[];

    it('refuses invisible characters (400 naming the field)', async () => {
      expectRefused(await create('Sales\u202E'), invisible);
      expectRefused(await create('\u200B\u200B'), invisible);
      expectRefused(await create('  '), blank);
    });

    it('refuses to create a project under another one’s name in any case (409)', async () => {
      const forecasting = await create('Forecasting');
      expect(forecasting.status).toBe(201);
      for (const name of ['Forecasting', 'FORECASTING', ' forecasting ']) {
        const again = await create(name);
        expect(again.status).toBe(409);
        expect(again.body.message).toBe(
          `A project named "${name.trim()}" already exists (names are unique ignoring case)`,
        );
      }
      expect(await names()).toEqual(['Forecasting']);
    });

    it('refuses to rename a project to another one’s name in different case (409)', async () => {
      const planning = await create('Planning');
      expect(planning.status).toBe(201);
      const refused = await rename(planning.body.id, 'forecasting');
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(/"forecasting" already exists/);
      expect(await names()).toEqual(['Forecasting', 'Planning']);

      // Its own name in another case is fine, and keeps the name reserved for it.
      const recased = await rename(planning.body.id, 'PLANNING');
      expect(recased.status).toBe(200);
      expect(recased.body.name).toBe('PLANNING');
      expect((await create('planning')).status).toBe(409);

      // A renamed project frees its old name.
      expect((await rename(planning.body.id, 'Budget')).status).toBe(200);
      expect((await create('Planning')).status).toBe(201);
      expect((await create('budget')).status).toBe(409);
      expect(await names()).toEqual(['Budget', 'Forecasting', 'Planning']);
    });

    it('gives a name to exactly one of concurrent creations in different cases', async () => {
      const spellings = ['Quality', 'QUALITY', 'quality', 'QuAlItY', 'qUALITY', 'Quality '];
      const answers = await Promise.all(spellings.map((name) => create(name)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      expect((await names()).filter((n) => n.toLowerCase() === 'quality')).toHaveLength(1);
    });
  });
});
