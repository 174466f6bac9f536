import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** One invalid field of a 400, as the validation pipe reports it. */
export class FieldErrorView {
  @ApiProperty({ example: 'expiresInDays', description: 'The field, dotted for nested ones' })
  field!: string;
  @ApiProperty({ type: [String], example: ['expiresInDays must be at least 1'] })
  messages!: string[];
}

/**
 * The one body of every error answer (apps/api/src/http/http-exception.filter.ts, the
 * validation pipe, the bearer challenge, the body parser and the same-origin check all write it).
 */
export class ErrorView {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  statusCode!: number;

  @ApiProperty({
    example: 'Bad Request',
    description:
      'The HTTP reason phrase, or a machine-readable code: `invalid_token`, `invalid_request` ' +
      '(RFC 6750), `unauthorized` (no credential), `reauthentication_required` (confirm the ' +
      'password with POST /api/v1/session/confirm, then retry), `password_change_required` ' +
      '(a one-time password: set a new one with PUT /api/v1/me/password first)',
  })
  error!: string;

  @ApiProperty({
    example: 'expiresInDays must be at least 1',
    description: 'For people; a 400 joins the messages of every invalid field with "; "',
  })
  message!: string;

  @ApiPropertyOptional({
    type: [FieldErrorView],
    description: 'A 400 about the body or the query: each invalid field and what is wrong',
  })
  errors?: FieldErrorView[];
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;

/** What each status means anywhere in this API; an operation may say more (see ApiErrors). */
const DEFAULT_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is not valid: `errors` names each invalid field; a malformed Authorization header is `invalid_request`',
  401: 'No credential, or not a valid one (`WWW-Authenticate: Bearer realm="api"`, with `error="invalid_token"` and why for a token)',
  403:
    'Not allowed: the caller may not do this (a token never creates or widens a credential), ' +
    'the session must confirm its password (`reauthentication_required`) or replace a ' +
    'one-time one (`password_change_required`), the Host is not one this server serves ' +
    '(ALLOWED_HOSTS), or a browser sent a change cross-site',
  404: 'No such resource, or not one the caller may see',
  409: 'Conflicts with the current state, or with a concurrent change (retry)',
  413: 'The request body is too large',
  429: 'Too many failed attempts from this client: wait `Retry-After` seconds',
  503: 'A store is unreachable or behind (authentication fails closed): retry after `Retry-After` seconds',
};

const EXAMPLES: Record<ErrorStatus, Omit<ErrorView, 'statusCode'>> = {
  400: {
    error: 'Bad Request',
    message: 'expiresInDays must be at least 1',
    errors: [{ field: 'expiresInDays', messages: ['expiresInDays must be at least 1'] }],
  },
  401: { error: 'invalid_token', message: 'The access token was revoked' },
  403: { error: 'Forbidden', message: 'Only system administrators may do this' },
  404: { error: 'Not Found', message: 'No such token' },
  409: { error: 'Conflict', message: 'The token is already revoked' },
  413: { error: 'Payload Too Large', message: 'The request body must be at most 16kb' },
  429: { error: 'Too Many Requests', message: 'Too many failed attempts; try again in 60 s' },
  503: {
    error: 'Service Unavailable',
    message: 'The read model is unavailable; try again shortly',
  },
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', example: 5 } },
};

/**
 * The error answers an operation can give, all with the ErrorView body:
 * `@ApiErrors(401, 403, { 409: 'Already revoked' })`. A number takes the standard description;
 * an object gives the operation's own.
 */
export function ApiErrors(
  ...items: Array<ErrorStatus | Partial<Record<ErrorStatus, string>>>
): MethodDecorator & ClassDecorator {
  const descriptions = new Map<ErrorStatus, string>();
  for (const item of items) {
    if (typeof item === 'number') descriptions.set(item, DEFAULT_DESCRIPTIONS[item]);
    else {
      for (const [status, text] of Object.entries(item)) {
        descriptions.set(Number(status) as ErrorStatus, text);
      }
    }
  }
  return applyDecorators(
    ApiExtraModels(ErrorView, FieldErrorView),
    ...[...descriptions].map(([status, description]) =>
      ApiResponse({
        status,
        description,
        type: ErrorView,
        example: { statusCode: status, ...EXAMPLES[status] },
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}
