import type { NextFunction, Request, Response } from 'express';

/**
 * `request.cookies` as plain strings, always. cookie-parser turns a value starting `j:` into the
 * JSON it holds (`pat_session=j:{}` became an object and reached the session lookup, a 500);
 * here every value stays the text the client sent, so an odd session cookie is simply unknown.
 */
export function stringCookies() {
  return (request: Request, _response: Response, next: NextFunction) => {
    request.cookies = parseCookieHeader(request.headers.cookie);
    next();
  };
}

/** RFC 6265 `name=value; name2=value2`; the first of a repeated name wins, as browsers send. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  // No prototype: a cookie named __proto__ or constructor is just a name.
  const cookies = Object.create(null) as Record<string, string>;
  if (!header) return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const name = pair.slice(0, equals).trim();
    if (name === '' || name in cookies) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    cookies[name] = decode(value);
  }
  return cookies;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
