import { parse } from 'cookie';
import type { NextFunction, Request, Response } from 'express';

/**
 * `request.cookies` as plain strings, always. cookie-parser turned a value starting `j:` into the
 * JSON it holds (`pat_session=j:{}` became an object and reached the session lookup, a 500);
 * the `cookie` package keeps every value the text the client sent (percent-decoded), in an object
 * without a prototype, so an odd session cookie is simply unknown.
 */
export function stringCookies() {
  return (request: Request, _response: Response, next: NextFunction) => {
    request.cookies = parseCookieHeader(request.headers.cookie);
    next();
  };
}

/** RFC 6265 `name=value; name2=value2`; the first of a repeated name wins, as browsers send. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  return parse(header ?? '') as Record<string, string>;
}
