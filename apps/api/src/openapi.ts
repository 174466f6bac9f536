import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_SECURITY, SESSION_COOKIE } from '@pat/auth';
import { ErrorView, FieldErrorView } from '@pat/shared';

export const DOCS_PATH = 'api/docs';
/** Where SwaggerModule serves the JSON document (`${DOCS_PATH}-json`). */
export const DOCUMENT_JSON_PATH = `/${DOCS_PATH}-json`;

export interface OpenApiOptions {
  /** The configured TOKEN_PREFIX, so that the bearer scheme shows what a token looks like. */
  readonly tokenPrefix: string;
}

/**
 * The OpenAPI document of the REST API, from the controllers' decorators. Every operation names
 * its own verb-like `operationId` in @ApiOperation; the fallback below is deliberately not one,
 * so `npm run lint` (redocly.yaml, rule operation-id-is-a-verb) catches a route that forgot it.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  options: OpenApiOptions,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Personal Access Tokens')
    .setDescription(
      'Create, list and revoke personal access tokens; authenticate with them. Every error ' +
        'answers with the same body (`ErrorView`).',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://spdx.org/licenses/')
    // Paths carry their /api/v1 prefix: the server is wherever this document was fetched from.
    .addServer('/', 'The server that serves this document')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: `${options.tokenPrefix}…`,
        description:
          `A personal access token: opaque, \`${options.tokenPrefix}\` then random characters ` +
          '(not a JWT). Created in the web UI or with POST /api/v1/me/tokens; shown once.',
      },
      'bearer',
    )
    .addCookieAuth(
      SESSION_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        description: 'The browser session from POST /api/v1/session (HttpOnly, SameSite=Strict)',
      },
      'cookie',
    )
    // The default for every operation; public ones say `security: []`, session-only ones narrow it.
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('cookie')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorView, FieldErrorView],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey}_${methodKey}`,
  });
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (operation?.security?.some((requirement) => PUBLIC_SECURITY in requirement)) {
        operation.security = [];
      }
    }
  }
  return document;
}

export function serveOpenApiDocument(app: INestApplication, options: OpenApiOptions): void {
  SwaggerModule.setup(DOCS_PATH, app, buildOpenApiDocument(app, options));
}
