import { Controller, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';

/**
 * A controller whose routes take either credential, a bearer token or the session cookie (the
 * OpenAPI document says both), under `path`, grouped under `tag` (without one, each route names
 * its own). Session-only controllers declare their cookie themselves.
 */
export function ApiController({ path, tag }: { path?: string; tag?: string } = {}): ClassDecorator {
  // The order TypeScript applied the decorators this replaces in (bottom up), so that the
  // document lists the security requirements as it did.
  return applyDecorators(
    path === undefined ? Controller() : Controller(path),
    ApiCookieAuth(),
    ApiBearerAuth(),
    ...(tag === undefined ? [] : [ApiTags(tag)]),
  );
}
