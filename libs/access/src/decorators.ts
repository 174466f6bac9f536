import {
  ExecutionContext,
  SetMetadata,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import { ApiErrors, type CommandContext } from '@pat/shared';
import type { Request } from 'express';
import type { Principal } from './principal';

export const IS_PUBLIC = 'auth:isPublic';
export const SESSION_ONLY = 'auth:sessionOnly';
export const ADMIN_ONLY = 'auth:adminOnly';
export const AUDIT_ACCESS = 'auth:auditAccess';
export const BEARER_ONLY = 'auth:bearerOnly';
export const CREDENTIAL_CHANGE = 'auth:credentialChange';
export const ALLOWED_BEFORE_PASSWORD_CHANGE = 'auth:allowedBeforePasswordChange';

/**
 * The OpenAPI marker of a public route: the document builder turns an operation that carries it
 * into `security: []` (a decorator cannot say "no requirement" by itself).
 */
export const PUBLIC_SECURITY = 'public';

/** Opts a route out of the global authentication guard. */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiSecurity(PUBLIC_SECURITY));
/** Only a browser session may do this: a token cannot mint tokens (docs/design/contract.md §8). */
export const SessionOnly = () => SetMetadata(SESSION_ONLY, true);
/**
 * Creates or widens a credential, or changes an account (docs/design/contract.md §10): a token gets
 * 403, and a session must have proven its password within the re-authentication window ("sudo
 * mode"). A leaked token must not be able to turn itself into a password, a user or another token.
 */
export const CredentialChange = () =>
  applyDecorators(
    SetMetadata(CREDENTIAL_CHANGE, true),
    ApiErrors({
      403:
        'A token was used (a token cannot create or widen a credential: sign in to the web UI), ' +
        'the caller may not do this, or the session has not proven its password within ' +
        'REAUTH_WINDOW_MINUTES (`error: "reauthentication_required"`: POST /session/confirm, ' +
        'then retry)',
    }),
  );
/**
 * One of the few routes a user with a one-time password may call (who am I, set the new
 * password, confirm, sign out); every other route answers 403 `password_change_required`.
 */
export const AllowedBeforePasswordChange = () => SetMetadata(ALLOWED_BEFORE_PASSWORD_CHANGE, true);
/** Only system administrators. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);
/** System administrators and auditors (read-only access to the audit trail). */
export const AuditAccess = () => SetMetadata(AUDIT_ACCESS, true);
/** Only the Authorization header counts here (the MCP endpoint): no session cookie. */
export const BearerOnly = () => SetMetadata(BEARER_ONLY, true);

export function principalOf(request: Request): Principal {
  const principal = request.user as Principal | undefined;
  // The global guard runs first; reaching here without a principal is a wiring bug.
  if (!principal) throw new Error('No authenticated principal on this request');
  return principal;
}

/** One context per request, so that what commands did under it can be looked up afterwards. */
const contexts = new WeakMap<Request, CommandContext>();

/** The request's command context, if a handler asked for one. */
export const existingCommandContextOf = (request: Request): CommandContext | undefined =>
  contexts.get(request);

export function commandContextOf(request: Request): CommandContext {
  let context = contexts.get(request);
  if (!context) {
    context = newCommandContext(request);
    contexts.set(request, context);
  }
  return context;
}

function newCommandContext(request: Request): CommandContext {
  const principal = principalOf(request);
  return {
    actor:
      principal.authMethod === 'token'
        ? { userId: principal.userId, via: 'token', tokenId: principal.tokenId ?? undefined }
        : { userId: principal.userId, via: 'session' },
    requestId: requestIdOf(request),
  };
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext) =>
  principalOf(context.switchToHttp().getRequest<Request>()),
);

/** The actor and request id that commands record in event metadata. */
export const CallerContext = createParamDecorator((_: unknown, context: ExecutionContext) =>
  commandContextOf(context.switchToHttp().getRequest<Request>()),
);

export function requestIdOf(request: Request): string | null {
  // pino-http assigns every request an id (taken from X-Request-Id when the caller sends one).
  const id = (request as { id?: unknown }).id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : null;
}
