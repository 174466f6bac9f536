import type { NextFunction, Request, Response } from 'express';
import type { ServedHosts } from './allowed-hosts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request protection for state-changing requests, on top of SameSite=Strict session
 * cookies: a browser request whose Origin is another site, or which the browser itself labels
 * cross-site (Sec-Fetch-Site), is refused with 403. The Origin must be one of the served hosts
 * (ALLOWED_HOSTS), not merely the request's own Host, which a rebinding page controls. Clients
 * that are not browsers send neither header and pass; /mcp has its own allow-list.
 */
export function sameOriginForUnsafeMethods(hosts: ServedHosts) {
  return (request: Request, response: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(request.method) || request.path === '/mcp') return next();
    const origin = request.headers.origin;
    const crossOrigin =
      origin !== undefined &&
      origin !== 'null' &&
      !hosts.allowsOrigin(origin, request.headers.host);
    const crossSite = request.headers['sec-fetch-site'] === 'cross-site';
    if (crossOrigin || crossSite || origin === 'null') {
      response.status(403).json({
        statusCode: 403,
        error: 'Forbidden',
        message: 'Cross-site requests may not change anything here',
      });
      return;
    }
    next();
  };
}
