import { Controller, NotFoundException, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { BearerOnly } from '@pat/auth';
import type { NextFunction, Request, Response } from 'express';

export const NO_OAUTH_MESSAGE =
  'This service has no OAuth authorization server and no client registration: send a ' +
  'personal access token (create one under Account Settings) as Authorization: Bearer <token>';

/**
 * POST /register: where MCP clients that found no authorization server metadata send their Dynamic
 * Client Registration (the RFC 7591 default path the MCP SDK falls back to). mcp-remote does so
 * after every 401, even with a static Authorization header, and prints only this answer. Nothing is
 * registered and nothing is advertised (docs/design/contract.md §9); the route exists so that the
 * answer is true and useful: the guard judges the bearer token these clients forward, so a revoked
 * or expired token is named as such (the same RFC 6750 401 as on /mcp), and a token that works is
 * told that no OAuth is needed. A registration without any token (MCP Inspector 2 sends none) is
 * answered by {@link registrationWithoutToken} before the guard.
 */
@ApiExcludeController()
@BearerOnly()
@Controller()
export class NoOAuthController {
  @Post('register')
  register(): never {
    throw new NotFoundException(NO_OAUTH_MESSAGE);
  }
}

/**
 * A registration request with no Authorization header: there is no token to judge, so the answer
 * is the 404 that says how to authenticate here (not the guard's bare 401 challenge, which a
 * client that just got one would read as "sign in with OAuth").
 */
export function registrationWithoutToken(request: Request, response: Response, next: NextFunction) {
  if (request.headers.authorization !== undefined) return next();
  response.status(404).json({ statusCode: 404, error: 'Not Found', message: NO_OAUTH_MESSAGE });
}
