import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DAY_MS } from '@pat/shared';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/** The MCP server driven by the SDK's own client over real HTTP, against the running app. */
describe('MCP server', () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  let projectId: string;
  let alice: { id: string; cookie: string; token: string; tokenId: string };
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await signIn(t);
    const user = await createUser(t, admin, { username: 'alice', password: 'alice-password' });
    const project = await t
      .http()
      .post(`${API}/admin/projects`)
      .set('Cookie', admin)
      .send({ name: 'Forecasting' })
      .expect(201);
    projectId = project.body.id;
    await t
      .http()
      .put(`${API}/admin/projects/${projectId}/members/${user.id}`)
      .set('Cookie', admin)
      .send({ role: 'analyst' })
      .expect(200);
    const created = await createToken(t, user.cookie, { name: 'claude-code', expiresInDays: 30 });
    alice = { ...user, token: created.token, tokenId: created.id };
  });
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await t.dispose();
  });

  const connect = async (token: string) => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };
  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
    const result = await client.callTool({ name, arguments: args });
    return result as {
      isError?: boolean;
      structuredContent: any;
      content: Array<{ type: string; text: string }>;
    };
  };
  const rest = (path: string, token: string) => t.http().get(`${API}${path}`).set(bearer(token));
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const listTools = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };

  it('lists its tools with JSON schemas and descriptions', async () => {
    const client = await connect(alice.token);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'get_project',
      'list_my_tokens',
      'list_projects',
      'revoke_my_token',
      'token_history',
      'whoami',
    ]);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(20);
      expect(tool.inputSchema.type).toBe('object');
    }
    const getProject = tools.find((tool) => tool.name === 'get_project')!;
    expect(getProject.inputSchema.required).toEqual(['projectId']);
  });

  it('answers each tool exactly as REST answers for the same token', async () => {
    const client = await connect(alice.token);
    const whoami = await call(client, 'whoami');
    expect(whoami.structuredContent).toEqual((await rest('/me', alice.token)).body);
    expect(whoami.structuredContent).toMatchObject({
      username: 'alice',
      authMethod: 'token',
      tokenId: alice.tokenId,
    });
    expect((await call(client, 'list_projects')).structuredContent).toEqual({
      projects: (await rest('/projects', alice.token)).body,
    });
    expect((await call(client, 'get_project', { projectId })).structuredContent).toEqual(
      (await rest(`/projects/${projectId}`, alice.token)).body,
    );
    expect((await call(client, 'list_my_tokens')).structuredContent).toEqual({
      tokens: (await rest('/me/tokens', alice.token)).body,
    });
    const text = JSON.stringify(await call(client, 'list_my_tokens'));
    expect(text).not.toContain(alice.token);
  });

  it('reports a project the caller is not in, and bad input, as tool errors', async () => {
    const client = await connect(alice.token);
    const other = await t
      .http()
      .post(`${API}/admin/projects`)
      .set('Cookie', admin)
      .send({ name: 'Secret' })
      .expect(201);
    const missing = await call(client, 'get_project', { projectId: other.body.id });
    expect(missing.isError).toBe(true);
    expect(missing.content[0].text).toContain('not found');
    const invalid = await call(client, 'get_project', { projectId: 'not-a-uuid' });
    expect(invalid.isError).toBe(true);
  });

  it('refuses token_history to a user who is neither admin nor auditor, with a tool error', async () => {
    const client = await connect(alice.token);
    const refused = await call(client, 'token_history', { tokenId: alice.tokenId });
    expect(refused.isError).toBe(true);
    expect(refused.content[0].text).toContain('administrators and auditors');

    const adminToken = (await createToken(t, admin)).token;
    const history = await call(await connect(adminToken), 'token_history', {
      tokenId: alice.tokenId,
    });
    expect(history.isError).toBeFalsy();
    expect(history.structuredContent.events[0].type).toBe('TokenCreated');
    const auditorUser = await createUser(t, admin, {
      username: 'audrey',
      password: 'audrey-password',
    });
    await t
      .http()
      .patch(`${API}/admin/users/${auditorUser.id}`)
      .set('Cookie', admin)
      .send({ isAuditor: true })
      .expect(200);
    const auditorToken = (await createToken(t, auditorUser.cookie)).token;
    const viaRest = await rest(`/audit/tokens/${alice.tokenId}/history`, auditorToken).expect(200);
    const viaMcp = await call(await connect(auditorToken), 'token_history', {
      tokenId: alice.tokenId,
    });
    // The tool names the next page in the result; REST names it in the Link header.
    expect(viaMcp.structuredContent).toEqual({ ...viaRest.body, next: null });
    await rest(`/audit/tokens/${alice.tokenId}/history`, alice.token).expect(403);
  });

  it('answers missing, malformed, expired and revoked tokens per RFC 6750', async () => {
    const none = await post(listTools);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');

    const malformed = await post(listTools, { Authorization: 'Bearer' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');

    const garbage = await post(listTools, { Authorization: 'Bearer tgp_garbage' });
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const short = await createToken(t, alice.cookie, { name: 'short', expiresInDays: 1 });
    t.clock.advance(2 * DAY_MS);
    const expired = await post(listTools, bearer(short.token));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('The access token expired');
    t.clock.advance(-2 * DAY_MS);

    const doomed = await createToken(t, alice.cookie, { name: 'doomed', expiresInDays: 1 });
    await t.http().post(`${API}/me/tokens/${doomed.id}/revoke`).set(bearer(doomed.token));
    const revoked = await post(listTools, bearer(doomed.token));
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('The access token was revoked');

    // A session cookie is not an MCP credential.
    const cookie = await post(listTools, { Cookie: alice.cookie });
    expect(cookie.status).toBe(401);
  });

  it('takes tokens only from the Authorization header', async () => {
    const inQuery = await fetch(`${base}/mcp?access_token=${alice.token}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(listTools),
    });
    expect(inQuery.status).toBe(401);
    const inBody = await post({ ...listTools, access_token: alice.token });
    expect(inBody.status).toBe(401);
  });

  it('refuses a foreign Origin with 403 and accepts its own', async () => {
    const foreign = await post(listTools, {
      ...bearer(alice.token),
      Origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    const own = await post(listTools, { ...bearer(alice.token), Origin: base });
    expect(own.status).toBe(200);
  });

  it('advertises no OAuth authorization server', async () => {
    for (const path of [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ]) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
    const response = await post(listTools);
    expect(response.headers.get('www-authenticate')).not.toContain('resource_metadata');
  });

  it('fails the very next call after revoke_my_token revokes the calling token', async () => {
    const { id, token } = await createToken(t, alice.cookie, { name: 'self', expiresInDays: 7 });
    const client = await connect(token);
    const revoked = await call(client, 'revoke_my_token', { tokenId: id });
    expect(revoked.structuredContent).toMatchObject({ id, status: 'Revoked' });
    await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toThrow();
    const direct = await post(listTools, bearer(token));
    expect(direct.status).toBe(401);
    const again = await call(await connect(alice.token), 'revoke_my_token', { tokenId: id });
    expect(again.isError).toBe(true);
  });

  it('shows a role change in the very next list_projects', async () => {
    const client = await connect(alice.token);
    const before = await call(client, 'list_projects');
    expect(before.structuredContent.projects[0].role).toBe('analyst');
    await t
      .http()
      .put(`${API}/admin/projects/${projectId}/members/${alice.id}`)
      .set('Cookie', admin)
      .send({ role: 'data_quality' })
      .expect(200);
    const after = await call(client, 'list_projects');
    expect(after.structuredContent.projects[0].role).toBe('data_quality');
  });

  it('returns each caller’s own identity under 200 concurrent calls from 20 tokens', async () => {
    const callers: Array<{ username: string; token: string }> = [];
    for (let i = 0; i < 20; i++) {
      const user = await createUser(t, admin, {
        username: `agent-${i}`,
        password: 'agent-password',
      });
      callers.push({ username: `agent-${i}`, token: (await createToken(t, user.cookie)).token });
    }
    const connected = await Promise.all(callers.map((c) => connect(c.token)));
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const result = await call(connected[i % 20], 'whoami');
        return { expected: callers[i % 20].username, got: result.structuredContent.username };
      }),
    );
    expect(results.filter((r) => r.expected !== r.got)).toEqual([]);
    expect(results).toHaveLength(200);
  });
});
