import type { AddressInfo } from 'node:net';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { CLIENT_DIR, generateClient } from '../../tools/openapi/lint-openapi';
import { createClient, createConfig, type Client } from '../support/openapi-client/client';
import {
  createToken,
  getMe,
  listMyTokens,
  revokeMyToken,
  signIn,
  type CreateTokenError,
  type ErrorView,
  type RevokeMyTokenErrors,
} from '../support/openapi-client';
import { ADMIN, TestApp, startTestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const WORK = join(ROOT, 'test-output', 'openapi-client-check');

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: { 'application/json'?: { schema?: { $ref?: string } } } }>;
}
interface Document {
  servers?: Array<{ url: string }>;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { bearerFormat?: string; description?: string }> };
}

/** Every file under the folder, as paths relative to it. */
function filesOf(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesOf(root, path) : [relative(root, path)];
  });
}

describe('OpenAPI document and a client generated from it', () => {
  let t: TestApp;
  let baseUrl: string;
  let document: Document;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    const response = await fetch(`${baseUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });
  afterAll(async () => {
    await t.dispose();
  });

  it('serves the document at /api/docs-json and the UI at /api/docs', async () => {
    const ui = await fetch(`${baseUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(document.components.securitySchemes.bearer.bearerFormat).toBe('tgp_…');
    expect(document.components.securitySchemes.bearer.description).toContain('not a JWT');
  });

  it('gives every operation a verb operationId, security, and ErrorView on every 4xx', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
    );
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const { method, path, operation } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect({ where, id: operation.operationId }).toEqual({
        where,
        id: expect.stringMatching(
          /^(get|list|create|update|change|delete|remove|set|rename|revoke|sign|confirm|check)[A-Z]/,
        ),
      });
      const errors = Object.entries(operation.responses).filter(([status]) => /^4/.test(status));
      expect({ where, has4xx: errors.length > 0 }).toEqual({ where, has4xx: true });
      for (const [status, response] of errors) {
        expect({ where, status, schema: response.content?.['application/json']?.schema }).toEqual({
          where,
          status,
          schema: { $ref: '#/components/schemas/ErrorView' },
        });
      }
    }
    const security = (method: string, path: string) =>
      document.paths[`/api/v1${path}`]?.[method]?.security ?? document.security;
    // Public routes need nothing; the rest take a bearer token or the session cookie.
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(security('post', '/session')).toEqual([]);
    expect(security('get', '/me')).toEqual(
      expect.arrayContaining([{ bearer: [] }, { cookie: [] }]),
    );
    expect(security('post', '/me/tokens')).toEqual([{ cookie: [] }]);
  });

  describe('its calls against the real app', () => {
    let sessionId: string | undefined;
    let token: string | undefined;
    let asSession: Client;
    let asToken: Client;
    let tokenId: string;

    beforeAll(() => {
      // Each client sends one credential: the session cookie, or the token as a bearer.
      asSession = createClient(
        createConfig({ baseUrl, auth: (auth) => (auth.in === 'cookie' ? sessionId : undefined) }),
      );
      asToken = createClient(
        createConfig({ baseUrl, auth: (auth) => (auth.scheme === 'bearer' ? token : undefined) }),
      );
    });

    it('signs in, creates a token, and lists and revokes it with that token', async () => {
      const session = await signIn({ client: asSession, body: ADMIN });
      expect(session.response.status).toBe(200);
      expect(session.data?.username).toBe(ADMIN.username);
      const cookie = session.response.headers
        .getSetCookie()
        .find((c) => c.startsWith('pat_session='));
      sessionId = cookie?.split(';')[0].slice('pat_session='.length);
      expect(sessionId).toBeTruthy();

      const created = await createToken({
        client: asSession,
        body: { name: 'generated-client', expiresInDays: 30 },
      });
      expect(created.response.status).toBe(201);
      token = created.data!.token;
      tokenId = created.data!.id;
      expect(token).toMatch(/^tgp_/);

      const me = await getMe({ client: asToken });
      expect(me.data).toMatchObject({ username: ADMIN.username, authMethod: 'token', tokenId });

      const listed = await listMyTokens({ client: asToken, query: { limit: 10 } });
      expect(listed.data?.map((x) => [x.id, x.status])).toEqual([[tokenId, 'Active']]);

      const revoked = await revokeMyToken({ client: asSession, path: { id: tokenId } });
      expect(revoked.data).toMatchObject({ id: tokenId, status: 'Revoked' });
    });

    it('types the 4xx answers: 409 on a second revoke, 400 naming the field, 401 for the revoked token', async () => {
      const again = await revokeMyToken({ client: asSession, path: { id: tokenId } });
      expect(again.response.status).toBe(409);
      // The error is the document's ErrorView: these assignments are checked by `npm run typecheck`.
      const conflict: RevokeMyTokenErrors[409] | undefined = again.error;
      expect(conflict).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.any(String),
      });

      const invalid = await createToken({
        client: asSession,
        body: { name: 'too-short', expiresInDays: 0 },
      });
      expect(invalid.response.status).toBe(400);
      const bad: CreateTokenError | undefined = invalid.error;
      expect(bad?.errors).toEqual([
        { field: 'expiresInDays', messages: ['expiresInDays must be at least 1'] },
      ]);

      const rejected = await getMe({ client: asToken });
      expect(rejected.response.status).toBe(401);
      const unauthorized: ErrorView | undefined = rejected.error;
      expect(unauthorized).toMatchObject({
        statusCode: 401,
        error: 'invalid_token',
        message: 'The access token was revoked',
      });
    });

    it('throws the typed error body when asked to', async () => {
      await expect(
        revokeMyToken({ client: asSession, path: { id: tokenId }, throwOnError: true }),
      ).rejects.toMatchObject({ statusCode: 409, error: 'Conflict' });
    });
  });

  // Last: its synchronous generation and compilation block the event loop for seconds, which
  // would let the server time out the client's kept-alive connection under the next call.
  it('generates exactly the committed client, which type-checks under strict TypeScript', () => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const documentFile = join(WORK, 'openapi.json');
    writeFileSync(documentFile, JSON.stringify(document));
    const generated = join(WORK, 'client');
    generateClient(documentFile, generated);

    const files = filesOf(generated).sort();
    expect(files).toEqual(filesOf(CLIENT_DIR).sort());
    for (const file of files) {
      const fresh = readFileSync(join(generated, file), 'utf8');
      // A stale committed client fails here: run `npm run openapi:client` and commit the result.
      expect({ file, same: fresh === readFileSync(join(CLIENT_DIR, file), 'utf8') }).toEqual({
        file,
        same: true,
      });
    }

    const program = ts.createProgram({
      rootNames: [join(generated, 'index.ts'), join(ROOT, 'test/support/fetch-globals.d.ts')],
      options: {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        lib: ['lib.es2023.d.ts'],
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
        skipLibCheck: true,
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });
});
