import type { Request } from 'express';

const ADDRESS = Symbol('clientAddress');

type RequestWithAddress = Request & { [ADDRESS]?: string | null };

/**
 * The caller's address (behind proxies: see TRUST_PROXY), remembered on the request: Express
 * works `request.ip` out anew, header parsing included, on every read.
 */
export function clientAddress(request: Request): string | null {
  const remembered = request as RequestWithAddress;
  if (remembered[ADDRESS] === undefined) {
    remembered[ADDRESS] = request.ip ?? request.socket?.remoteAddress ?? null;
  }
  return remembered[ADDRESS];
}

/** The client a failed attempt is counted against. */
export function clientKey(request: Request): string {
  return clientAddress(request) ?? 'unknown';
}
