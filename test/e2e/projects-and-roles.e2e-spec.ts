import { EVENT_STORE, EventStore } from '@pat/event-store';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

const ROLES = ['admin', 'data_quality', 'analyst', 'business', 'catalog'] as const;
type Role = (typeof ROLES)[number] | 'non-member';

/**
 * The role table of the README, as data: for each endpoint of /projects…, the status each role
 * gets. The matrix test below checks every cell with a token of a member holding that role.
 */
const EXPECTED: Record<string, Record<Role, number>> = {
  'GET /projects/:id': {
    admin: 200,
    data_quality: 200,
    analyst: 200,
    business: 200,
    catalog: 200,
    'non-member': 404,
  },
  'PATCH /projects/:id': {
    admin: 200,
    data_quality: 403,
    analyst: 403,
    business: 403,
    catalog: 403,
    'non-member': 404,
  },
  'PUT /projects/:id/members/:userId': {
    admin: 200,
    data_quality: 403,
    analyst: 403,
    business: 403,
    catalog: 403,
    'non-member': 404,
  },
  'DELETE /projects/:id/members/:userId': {
    admin: 204,
    data_quality: 403,
    analyst: 403,
    business: 403,
    catalog: 403,
    'non-member': 404,
  },
};

describe('Projects, roles and the user lifecycle', () => {
  let t: TestApp;
  let admin: string;
  let projectId: string;
  const members = new Map<Role, { id: string; token: string; cookie: string }>();
  let bystander: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
    const project = await t
      .http()
      .post(`${API}/admin/projects`)
      .set('Cookie', admin)
      .send({ name: 'Forecasting' })
      .expect(201);
    projectId = project.body.id;
    for (const role of [...ROLES, 'non-member'] as Role[]) {
      const user = await createUser(t, admin, {
        username: `user-${role}`,
        password: 'long-enough-1',
      });
      if (role !== 'non-member') {
        await t
          .http()
          .put(`${API}/admin/projects/${projectId}/members/${user.id}`)
          .set('Cookie', admin)
          .send({ role })
          .expect(200);
      }
      const { token } = await createToken(t, user.cookie);
      members.set(role, { ...user, token });
    }
    bystander = await createUser(t, admin, { username: 'bystander', password: 'long-enough-1' });
  });
  afterAll(async () => {
    await t.dispose();
  });

  const call = async (endpoint: string, token: string) => {
    const [method, template] = endpoint.split(' ');
    const path = `${API}${template.replace(':id', projectId).replace(':userId', bystander.id)}`;
    const request = t.http()[method.toLowerCase() as 'get' | 'patch' | 'put' | 'delete'](path);
    request.set(bearer(token));
    if (method === 'PATCH') request.send({ name: 'Forecasting' });
    if (method === 'PUT') request.send({ role: 'business' });
    const response = await request;
    // Put the bystander back so every cell starts from the same state.
    if (method === 'DELETE' && response.status === 204) {
      await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${bystander.id}`)
        .set('Cookie', admin)
        .send({ role: 'business' })
        .expect(200);
    }
    return response;
  };

  it('answers every /projects endpoint for every role exactly as the role table says', async () => {
    await t
      .http()
      .put(`${API}/admin/projects/${projectId}/members/${bystander.id}`)
      .set('Cookie', admin)
      .send({ role: 'business' })
      .expect(200);
    const actual: Record<string, Record<string, number>> = {};
    for (const endpoint of Object.keys(EXPECTED)) {
      actual[endpoint] = {};
      for (const [role, member] of members) {
        actual[endpoint][role] = (await call(endpoint, member.token)).status;
      }
    }
    expect(actual).toEqual(EXPECTED);
  });

  it('lists a member’s projects with their role, and a non-member’s as none', async () => {
    for (const role of ROLES) {
      const listed = await t
        .http()
        .get(`${API}/projects`)
        .set(bearer(members.get(role)!.token));
      expect(listed.body).toEqual([
        { id: projectId, name: 'Forecasting', createdAt: expect.any(String), role },
      ]);
    }
    const none = await t
      .http()
      .get(`${API}/projects`)
      .set(bearer(members.get('non-member')!.token))
      .expect(200);
    expect(none.body).toEqual([]);
    const me = await t
      .http()
      .get(`${API}/me`)
      .set(bearer(members.get('analyst')!.token));
    expect(me.body.projects).toEqual([{ id: projectId, name: 'Forecasting', role: 'analyst' }]);
  });

  it('applies a role change, a removal and a promotion to the very next request', async () => {
    const analyst = members.get('analyst')!;
    const rename = () =>
      t
        .http()
        .patch(`${API}/projects/${projectId}`)
        .set(bearer(analyst.token))
        .send({ name: 'Forecasting' });
    expect((await rename()).status).toBe(403);

    await t
      .http()
      .put(`${API}/admin/projects/${projectId}/members/${analyst.id}`)
      .set('Cookie', admin)
      .send({ role: 'admin' })
      .expect(200);
    expect((await rename()).status).toBe(200);

    await t
      .http()
      .delete(`${API}/admin/projects/${projectId}/members/${analyst.id}`)
      .set('Cookie', admin)
      .expect(204);
    await t.http().get(`${API}/projects/${projectId}`).set(bearer(analyst.token)).expect(404);
    expect((await rename()).status).toBe(404);

    await t.http().get(`${API}/admin/users`).set(bearer(analyst.token)).expect(403);
    await t
      .http()
      .patch(`${API}/admin/users/${analyst.id}`)
      .set('Cookie', admin)
      .send({ isAdmin: true })
      .expect(200);
    await t.http().get(`${API}/admin/users`).set(bearer(analyst.token)).expect(200);
  });

  it('keeps at least one admin in a project when a project admin manages it', async () => {
    const projectAdmin = members.get('admin')!;
    const demote = await t
      .http()
      .put(`${API}/projects/${projectId}/members/${projectAdmin.id}`)
      .set(bearer(projectAdmin.token))
      .send({ role: 'catalog' })
      .expect(409);
    expect(demote.body.message).toContain('at least one admin');
  });

  it('renames projects and refuses bad names and roles with a 400 naming the field', async () => {
    const log = t.app.get<EventStore>(EVENT_STORE);
    const before = (await log.readAll({ maxCount: 100_000 })).length;
    for (const name of ['', '   ', 'x'.repeat(31), 42]) {
      const response = await t
        .http()
        .post(`${API}/admin/projects`)
        .set('Cookie', admin)
        .send({ name })
        .expect(400);
      expect(response.body.errors[0].field).toBe('name');
    }
    for (const role of ['owner', '', null, 3]) {
      const response = await t
        .http()
        .put(`${API}/admin/projects/${projectId}/members/${bystander.id}`)
        .set('Cookie', admin)
        .send({ role })
        .expect(400);
      expect(response.body.errors[0].field).toBe('role');
    }
    await t
      .http()
      .patch(`${API}/admin/projects/${projectId}`)
      .set('Cookie', admin)
      .send({ name: 'x'.repeat(31) })
      .expect(400);
    await t
      .http()
      .patch(`${API}/admin/users/${bystander.id}`)
      .set('Cookie', admin)
      .send({ isAdmin: 'yes' })
      .expect(400);
    await t
      .http()
      .patch(`${API}/admin/users/${bystander.id}`)
      .set('Cookie', admin)
      .send({ username: 'renamed' })
      .expect(400);
    expect((await log.readAll({ maxCount: 100_000 })).length).toBe(before);

    await t
      .http()
      .put(`${API}/admin/projects/${projectId}/members/00000000-0000-4000-8000-000000000000`)
      .set('Cookie', admin)
      .send({ role: 'analyst' })
      .expect(404);
    await t
      .http()
      .patch(`${API}/admin/projects/00000000-0000-4000-8000-000000000000`)
      .set('Cookie', admin)
      .send({ name: 'Ghost' })
      .expect(404);
    const renamed = await t
      .http()
      .patch(`${API}/admin/projects/${projectId}`)
      .set('Cookie', admin)
      .send({ name: 'Demand' })
      .expect(200);
    expect(renamed.body.name).toBe('Demand');
  });
});

describe('User lifecycle', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t);
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('creates exactly one user from 20 concurrent creations of one name in mixed case', async () => {
    const spellings = Array.from({ length: 20 }, (_, i) =>
      [...'charlie'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join(''),
    );
    const responses = await Promise.all(
      spellings.map((username) =>
        t
          .http()
          .post(`${API}/admin/users`)
          .set('Cookie', admin)
          .send({ username, password: 'long-enough-1' }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(19);
    expect(conflicts[0].body.message).toBe('That username is already taken');
    const users = await t.http().get(`${API}/admin/users`).set('Cookie', admin).expect(200);
    expect(
      users.body.filter((u: { username: string }) => u.username.toLowerCase() === 'charlie'),
    ).toHaveLength(1);
  });

  it('updates a user’s profile and password; refuses self-deletion and self-demotion', async () => {
    const user = await createUser(t, admin, { username: 'erin', password: 'first-password' });
    const updated = await t
      .http()
      .patch(`${API}/admin/users/${user.id}`)
      .set('Cookie', admin)
      .send({ name: 'Erin', email: 'erin@example.com', isAuditor: true, password: 'second-pass' })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: 'Erin',
      email: 'erin@example.com',
      isAuditor: true,
    });
    await t
      .http()
      .post(`${API}/session`)
      .send({ username: 'erin', password: 'first-password' })
      .expect(401);
    await signIn(t, 'erin', 'second-pass');
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`user-${user.id}`);
    expect(events.map((e) => e.type)).toEqual(['UserCreated', 'UserUpdated']);
    expect(events[1].data).toHaveProperty('passwordHash');

    const me = await t.http().get(`${API}/me`).set('Cookie', admin).expect(200);
    await t.http().delete(`${API}/admin/users/${me.body.userId}`).set('Cookie', admin).expect(403);
    await t
      .http()
      .patch(`${API}/admin/users/${me.body.userId}`)
      .set('Cookie', admin)
      .send({ isAdmin: false })
      .expect(403);
  });

  it('deletes a user: every token refused at once, each revoked as user_deleted, name released', async () => {
    const frank = await createUser(t, admin, { username: 'frank', password: 'long-enough-1' });
    const tokens = await Promise.all(
      [1, 2, 3].map((n) => createToken(t, frank.cookie, { name: `t${n}`, expiresInDays: 30 })),
    );
    await t.http().post(`${API}/me/tokens/${tokens[2].id}/revoke`).set(bearer(tokens[2].token));
    for (const { token } of tokens.slice(0, 2)) {
      await t.http().get(`${API}/me`).set(bearer(token)).expect(200);
    }

    await t.http().delete(`${API}/admin/users/${frank.id}`).set('Cookie', admin).expect(204);
    for (const { token } of tokens) {
      const refused = await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
      expect(refused.headers['www-authenticate']).toContain('revoked');
    }
    await t.http().get(`${API}/me`).set('Cookie', frank.cookie).expect(401);
    await t.http().get(`${API}/admin/users/${frank.id}`).set('Cookie', admin).expect(404);

    const log = t.app.get<EventStore>(EVENT_STORE);
    await eventually(async () => {
      const reasons = await Promise.all(
        tokens.map(async ({ id }) =>
          (await log.readStream(`token-${id}`))
            .filter((e) => e.type === 'TokenRevoked')
            .map((e) => (e.data as { reason: string }).reason),
        ),
      );
      expect(reasons).toEqual([['user_deleted'], ['user_deleted'], ['user']]);
    });
    const listed = await t
      .http()
      .get(`${API}/admin/users/${frank.id}/tokens`)
      .set('Cookie', admin)
      .expect(200);
    expect(listed.body.map((x: { status: string }) => x.status)).toEqual([
      'Revoked',
      'Revoked',
      'Revoked',
    ]);
    // The name is free again once the process manager released it.
    await eventually(async () => {
      await t
        .http()
        .post(`${API}/admin/users`)
        .set('Cookie', admin)
        .send({ username: 'Frank', password: 'long-enough-1' })
        .expect(201);
    });
  });

  it('lets an administrator see and revoke anyone’s token', async () => {
    const gina = await createUser(t, admin, { username: 'gina', password: 'long-enough-1' });
    const { id, token } = await createToken(t, gina.cookie);
    const listed = await t
      .http()
      .get(`${API}/admin/users/${gina.id}/tokens`)
      .set('Cookie', admin)
      .expect(200);
    expect(listed.body.map((x: { id: string }) => x.id)).toEqual([id]);
    await t.http().post(`${API}/admin/tokens/${id}/revoke`).set('Cookie', admin).expect(200);
    await t.http().post(`${API}/admin/tokens/${id}/revoke`).set('Cookie', admin).expect(409);
    await t.http().get(`${API}/me`).set(bearer(token)).expect(401);
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`token-${id}`);
    expect(events[1].data).toMatchObject({ reason: 'admin', userId: gina.id });
    await t
      .http()
      .post(`${API}/admin/tokens/00000000-0000-4000-8000-000000000000/revoke`)
      .set('Cookie', admin)
      .expect(404);
    await t.http().get(`${API}/admin/users/not-a-user/tokens`).set('Cookie', admin).expect(404);
  });
});

describe('Non-administrators on /admin', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('get 403 on every /admin endpoint the API documents, by session and by token', async () => {
    const admin = await signIn(t);
    const user = await createUser(t, admin, { username: 'plain', password: 'long-enough-1' });
    const { token } = await createToken(t, user.cookie);
    const doc = await t.http().get('/api/docs-json').expect(200);
    const endpoints = Object.entries(doc.body.paths as Record<string, object>)
      .filter(([path]) => path.startsWith('/api/v1/admin'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => [method, path]));
    expect(endpoints.length).toBeGreaterThanOrEqual(14);
    const log = t.app.get<EventStore>(EVENT_STORE);
    // Refused requests change nothing; only the usage trail may record that the token was used.
    const writes = async () =>
      (await log.readAll({ maxCount: 100_000 })).filter((e) => e.type !== 'TokenUsed').length;
    const before = await writes();
    for (const [method, template] of endpoints) {
      const path = template.replace(/\{[^}]+\}/g, user.id);
      for (const credential of [{ Cookie: user.cookie }, bearer(token)]) {
        const response = await t
          .http()
          [method as 'get' | 'post' | 'put' | 'patch' | 'delete'](path)
          .set(credential)
          .send({});
        expect({ method, path: template, status: response.status }).toEqual({
          method,
          path: template,
          status: 403,
        });
      }
    }
    expect(await writes()).toBe(before);
  });
});

async function eventually(assertion: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
