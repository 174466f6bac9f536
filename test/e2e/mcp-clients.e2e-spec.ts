import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { NO_OAUTH_MESSAGE } from '../../apps/api/src/mcp/no-oauth.controller';
import { readFileSync } from 'node:fs';
import {
  API,
  TestApp,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
} from '../support/test-app';

/*
 * The third-party MCP clients the README names, at the versions it pins (devDependencies, exact),
 * driven against the running server as a user would run them on Node 20: MCP Inspector's CLI
 * and the mcp-remote stdio bridge. What each prints is saved under test-output/mcp-clients/ (the
 * README quotes it). With a revoked token each must say so, not talk about OAuth.
 */
const ROOT = join(__dirname, '../..');
const OUTPUT = join(ROOT, 'test-output', 'mcp-clients');
const INSPECTOR_CLI = join(ROOT, 'node_modules/@modelcontextprotocol/inspector-cli/build/cli.js');
const MCP_REMOTE = join(ROOT, 'node_modules/mcp-remote/dist/proxy.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `mcp-inspector-cli --cli <url> --transport http --header "Authorization: Bearer …" …`. */
function inspector(url: string, token: string, ...method: string[]): Promise<Run> {
  const args = [INSPECTOR_CLI, '--cli', url, '--transport', 'http'];
  args.push('--header', `Authorization: Bearer ${token}`, ...method);
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function save(name: string, run: { command: string; code?: number | null; output: string }) {
  mkdirSync(OUTPUT, { recursive: true });
  const exit = run.code === undefined ? '' : `# exit code: ${run.code}\n`;
  writeFileSync(join(OUTPUT, name), `$ ${run.command}\n${exit}${run.output}`);
}

describe('third-party MCP clients against the server', () => {
  let t: TestApp;
  let url: string;
  let valid: string;
  let revoked: string;
  let configDir: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}/mcp`;
    const alice = await createUser(t, await signIn(t), {
      username: 'alice',
      password: 'alice-password',
    });
    valid = (await createToken(t, alice.cookie, { name: 'inspector', expiresInDays: 30 })).token;
    const doomed = await createToken(t, alice.cookie, { name: 'doomed', expiresInDays: 30 });
    await t
      .http()
      .post(`${API}/me/tokens/${doomed.id}/revoke`)
      .set(bearer(doomed.token))
      .expect(200);
    revoked = doomed.token;
    // mcp-remote keeps its OAuth state and locks here: a fresh folder, never the user's ~/.mcp-auth.
    configDir = mkdtempSync(join(tmpdir(), 'pat-mcp-remote-'));
  });
  afterAll(async () => {
    await t.dispose();
    rmSync(configDir, { recursive: true, force: true });
  });

  /** mcp-remote as an MCP host starts it, driven by the SDK's own stdio client. */
  async function throughMcpRemote(token: string) {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MCP_REMOTE, url, '--header', `Authorization: Bearer ${token}`],
      env: { PATH: process.env.PATH ?? '', HOME: configDir, MCP_REMOTE_CONFIG_DIR: configDir },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'e2e-host', version: '1.0.0' });
    const closed = new Promise<void>((resolve) => (transport.onclose = () => resolve()));
    return { transport, client, closed, stderr: () => stderr };
  }
  const command = (token: string) =>
    `node node_modules/mcp-remote/dist/proxy.js ${url} --header "Authorization: Bearer ${
      token === revoked ? '<revoked token>' : '<token>'
    }"`;
  const inspectorCommand = (token: string, method: string) =>
    `node node_modules/@modelcontextprotocol/inspector-cli/build/cli.js --cli ${url} ` +
    `--transport http --header "Authorization: Bearer ${
      token === revoked ? '<revoked token>' : '<token>'
    }" ${method}`;
  const noSecrets = (text: string) => {
    expect(text).not.toContain(valid);
    expect(text).not.toContain(revoked);
    return text;
  };

  it('MCP Inspector CLI lists the tools and calls whoami with a valid token', async () => {
    const list = await inspector(url, valid, '--method', 'tools/list');
    save('inspector-valid-tools-list.txt', {
      command: inspectorCommand(valid, '--method tools/list'),
      code: list.code,
      output: noSecrets(list.stdout + list.stderr),
    });
    expect(list.code).toBe(0);
    const { tools } = JSON.parse(list.stdout) as {
      tools: Array<{ name: string; outputSchema?: { type: string } }>;
    };
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'get_project',
      'list_my_tokens',
      'list_projects',
      'revoke_my_token',
      'token_history',
      'whoami',
    ]);
    for (const tool of tools) expect(tool.outputSchema?.type).toBe('object');

    const whoami = await inspector(url, valid, '--method', 'tools/call', '--tool-name', 'whoami');
    save('inspector-valid-whoami.txt', {
      command: inspectorCommand(valid, '--method tools/call --tool-name whoami'),
      code: whoami.code,
      output: noSecrets(whoami.stdout + whoami.stderr),
    });
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout).structuredContent).toMatchObject({
      username: 'alice',
      authMethod: 'token',
    });
  });

  it('MCP Inspector CLI says the token was revoked, and nothing about OAuth', async () => {
    const run = await inspector(url, revoked, '--method', 'tools/list');
    const output = noSecrets(run.stdout + run.stderr);
    save('inspector-revoked.txt', {
      command: inspectorCommand(revoked, '--method tools/list'),
      code: run.code,
      output,
    });
    expect(run.code).toBe(1);
    expect(output).toContain('The access token was revoked');
    expect(output).not.toMatch(/oauth|authoriz|regist/i);
  });

  it('mcp-remote bridges tools/list and whoami with a valid token', async () => {
    const bridge = await throughMcpRemote(valid);
    try {
      await bridge.client.connect(bridge.transport);
      expect(bridge.client.getServerVersion()?.name).toBe('personal-access-tokens');
      const { tools } = await bridge.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('whoami');
      const whoami = await bridge.client.callTool({ name: 'whoami', arguments: {} });
      expect(whoami.structuredContent).toMatchObject({ username: 'alice', authMethod: 'token' });
    } finally {
      await bridge.client.close();
      save('mcp-remote-valid.txt', { command: command(valid), output: noSecrets(bridge.stderr()) });
    }
    expect(bridge.stderr()).toContain('Connected to remote server');
  });

  it('mcp-remote says the token was revoked, and no client is registered or authorized', async () => {
    const bridge = await throughMcpRemote(revoked);
    // The bridge gives up and exits: the host sees the connection close.
    await expect(bridge.client.connect(bridge.transport)).rejects.toThrow();
    await bridge.closed;
    const output = noSecrets(bridge.stderr());
    save('mcp-remote-revoked.txt', { command: command(revoked), output });
    expect(output).toContain('The access token was revoked');
    // mcp-remote answers every 401 with its OAuth client (its own code, whatever the server
    // says): the one registration it attempts is refused with the same RFC 6750 answer, so it
    // never gets a client, never builds an authorization URL and never opens a browser.
    expect(output).toContain(
      'Dynamic Client Registration rejected (HTTP 401): ' +
        '{"statusCode":401,"error":"invalid_token","message":"The access token was revoked"}',
    );
    expect(output).not.toMatch(/Please authorize|Browser opened|Cannot POST/);
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(path, url), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('announces the product version and no tools.listChanged (a stateless server sends none)', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const response = await post(
      '/mcp',
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'e2e', version: '1.0.0' },
        },
      },
      bearer(valid),
    );
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: any };
    expect(result.serverInfo).toEqual({ name: 'personal-access-tokens', version });
    expect(result.capabilities.tools).toEqual({});
  });

  it('answers the clients’ registration fallback (POST /register) with the bearer verdict', async () => {
    // The metadata DCR clients look for first is not there: no authorization server is advertised.
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-authorization-server',
    ]) {
      expect((await fetch(new URL(path, url))).status).toBe(404);
    }
    const registration = { client_name: 'x', redirect_uris: ['http://localhost:1/cb'] };
    const withRevoked = await post('/register', registration, bearer(revoked));
    expect(withRevoked.status).toBe(401);
    expect(withRevoked.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token was revoked"',
    );
    expect(await withRevoked.json()).toEqual({
      statusCode: 401,
      error: 'invalid_token',
      message: 'The access token was revoked',
    });
    // MCP Inspector 2 registers without the user's header: told how to authenticate here.
    const withNothing = await post('/register', registration);
    expect(withNothing.status).toBe(404);
    expect(((await withNothing.json()) as { message: string }).message).toBe(NO_OAUTH_MESSAGE);
    const withValid = await post('/register', registration, bearer(valid));
    expect(withValid.status).toBe(404);
    expect(((await withValid.json()) as { message: string }).message).toContain(
      'no OAuth authorization server',
    );
    // Only the one path: the REST API's own routes are untouched.
    expect((await post('/api/v1/register', registration, bearer(valid))).status).toBe(404);
  });
});
