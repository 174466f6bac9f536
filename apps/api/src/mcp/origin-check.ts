import type { NextFunction, Request, Response } from 'express';

/**
 * The MCP transport's DNS-rebinding protection (MCP spec, Streamable HTTP, security warning):
 * a request whose Origin is neither this server itself nor on the allow-list is refused with 403
 * before anything else happens. Requests without Origin (non-browser clients) pass.
 */
export function mcpOriginCheck(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  return (request: Request, response: Response, next: NextFunction) => {
    const origin = request.headers.origin;
    if (origin === undefined) return next();
    const sameOrigin = [`http://${request.headers.host}`, `https://${request.headers.host}`];
    if (allowed.has(origin.toLowerCase()) || sameOrigin.includes(origin.toLowerCase())) {
      return next();
    }
    response.status(403).json({
      statusCode: 403,
      error: 'Forbidden',
      message: `Origin ${origin} is not allowed to use the MCP endpoint`,
    });
  };
}
