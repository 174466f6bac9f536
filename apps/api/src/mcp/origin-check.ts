import type { NextFunction, Request, Response } from 'express';
import type { ServedHosts } from '../http/allowed-hosts';

/**
 * The MCP transport's DNS-rebinding protection (MCP spec, Streamable HTTP, security warning):
 * a request whose Origin is neither a served host (ALLOWED_HOSTS) nor on MCP_ALLOWED_ORIGINS is
 * refused with 403 before anything else happens. Requests without Origin (non-browser clients)
 * pass.
 */
export function mcpOriginCheck(allowedOrigins: readonly string[], hosts: ServedHosts) {
  const allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  return (request: Request, response: Response, next: NextFunction) => {
    const origin = request.headers.origin;
    if (origin === undefined) return next();
    if (
      allowed.has(origin.toLowerCase()) ||
      hosts.allowsOrigin(origin.toLowerCase(), request.headers.host)
    ) {
      return next();
    }
    response.status(403).json({
      statusCode: 403,
      error: 'Forbidden',
      message: `Origin ${origin} is not allowed to use the MCP endpoint`,
    });
  };
}
