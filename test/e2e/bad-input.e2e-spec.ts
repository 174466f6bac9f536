import { EVENT_STORE, EventStore } from '@pat/event-store';
import { API, TestApp, signIn, startTestApp } from '../support/test-app';

/** Each bad request is a 400 that names the field, and writes nothing to the event log. */
describe('Bad input on token creation', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
  });
  afterAll(async () => {
    await t.dispose();
  });

  const logLength = async () =>
    (await t.app.get<EventStore>(EVENT_STORE).readAll({ maxCount: 100_000 })).length;

  const cases: Array<[string, unknown, string]> = [
    ['missing name', { expiresInDays: 7 }, 'name'],
    ['empty name', { name: '', expiresInDays: 7 }, 'name'],
    ['blank name', { name: '   ', expiresInDays: 7 }, 'name'],
    ['name over 100 characters', { name: 'x'.repeat(101), expiresInDays: 7 }, 'name'],
    ['name of the wrong type', { name: 42, expiresInDays: 7 }, 'name'],
    ['expiresInDays of 0', { name: 'n', expiresInDays: 0 }, 'expiresInDays'],
    ['expiresInDays of -1', { name: 'n', expiresInDays: -1 }, 'expiresInDays'],
    ['expiresInDays of 1.5', { name: 'n', expiresInDays: 1.5 }, 'expiresInDays'],
    ['expiresInDays of "abc"', { name: 'n', expiresInDays: 'abc' }, 'expiresInDays'],
    ['expiresInDays of "7" (a string)', { name: 'n', expiresInDays: '7' }, 'expiresInDays'],
    ['expiresInDays beyond the maximum', { name: 'n', expiresInDays: 366 }, 'expiresInDays'],
    ['expiresInDays absurdly large', { name: 'n', expiresInDays: 1e308 }, 'expiresInDays'],
    ['expiresAt in the past', { name: 'n', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    ['expiresAt now', { name: 'n', expiresAt: '2026-03-01T12:00:00.000Z' }, 'expiresAt'],
    ['expiresAt not a date', { name: 'n', expiresAt: 'next tuesday' }, 'expiresAt'],
    ['expiresAt an impossible date', { name: 'n', expiresAt: '2026-02-30T00:00:00Z' }, 'expiresAt'],
    ['expiresAt beyond the maximum', { name: 'n', expiresAt: '2027-03-02T12:00:00Z' }, 'expiresAt'],
    // Without a UTC offset the instant would depend on the server's time zone (issue 13).
    ['expiresAt without an offset', { name: 'n', expiresAt: '2026-04-01T00:00:00' }, 'expiresAt'],
    ['expiresAt a date only', { name: 'n', expiresAt: '2026-04-01' }, 'expiresAt'],
    [
      'both lifetimes given',
      { name: 'n', expiresInDays: 7, expiresAt: '2026-04-01T00:00:00Z' },
      'expiresInDays',
    ],
    ['neither lifetime given', { name: 'n' }, 'expiresInDays'],
    ['an unknown field', { name: 'n', expiresInDays: 7, scopes: ['admin'] }, 'scopes'],
    ['a userId smuggled in', { name: 'n', expiresInDays: 7, userId: 'someone' }, 'userId'],
  ];

  it.each(cases)('refuses %s with a 400 naming the field', async (_label, body, field) => {
    const before = await logLength();
    const response = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .send(body as object)
      .expect(400);
    expect(response.body.statusCode).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(response.body.message).toContain(field);
    expect(await logLength()).toBe(before);
  });

  it('refuses malformed JSON with a JSON 400', async () => {
    const before = await logLength();
    const response = await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .set('Content-Type', 'application/json')
      .send('{"name": "n", "expiresInDays": 7')
      .expect(400);
    expect(response.body.message).toBe('The request body is not valid JSON');
    expect(await logLength()).toBe(before);
  });

  it('refuses a JSON body that is not an object', async () => {
    for (const body of ['[1,2]', '"text"', '42', 'null']) {
      const response = await t
        .http()
        .post(`${API}/me/tokens`)
        .set('Cookie', admin)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(response.status).toBe(400);
    }
  });

  it('refuses an oversized body with 413', async () => {
    await t
      .http()
      .post(`${API}/me/tokens`)
      .set('Cookie', admin)
      .send({ name: 'x'.repeat(20_000), expiresInDays: 7 })
      .expect(413);
  });

  it('refuses a bad token policy with a 400 naming maxLifetimeDays', async () => {
    for (const maxLifetimeDays of [0, 3651, 1.5, 'abc', null]) {
      const before = await logLength();
      const response = await t
        .http()
        .put(`${API}/admin/token-policy`)
        .set('Cookie', admin)
        .send({ maxLifetimeDays })
        .expect(400);
      expect(response.body.errors[0].field).toBe('maxLifetimeDays');
      expect(await logLength()).toBe(before);
    }
  });

  it('refuses bad users with a 400 naming the field', async () => {
    const bad: Array<[object, string]> = [
      [{ username: 'ab', password: 'long-enough' }, 'username'],
      [{ username: 'has space', password: 'long-enough' }, 'username'],
      [{ username: 'carol', password: 'short' }, 'password'],
      [{ username: 'carol', password: 'with space in it' }, 'password'],
      [{ username: 'carol', password: 'long-enough', email: 'not-an-email' }, 'email'],
      [{ username: 'carol', password: 'long-enough', isAdmin: 'yes' }, 'isAdmin'],
    ];
    for (const [body, field] of bad) {
      const before = await logLength();
      const response = await t
        .http()
        .post(`${API}/admin/users`)
        .set('Cookie', admin)
        .send(body)
        .expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await logLength()).toBe(before);
    }
  });
});
