import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { BearerOnly, Public, commandContextOf, principalOf } from '@pat/auth';
import type { Request, Response } from 'express';
import { McpCaller, McpTools } from './mcp-tools';

/**
 * MCP over Streamable HTTP at /mcp, stateless: every POST is authenticated afresh by the global
 * guard with the same Passport bearer strategy as REST (Authorization header only), gets a server
 * of its own, and hands the caller to the tools as the SDK's authInfo. With no sessions there is
 * nothing to bind to a token or to hijack, and a revoked token fails on its very next request.
 */
@ApiExcludeController()
@BearerOnly()
@Controller('mcp')
export class McpController {
  constructor(private readonly tools: McpTools) {}

  @Post()
  async handle(@Req() request: Request, @Res() response: Response): Promise<void> {
    const caller: McpCaller = {
      principal: principalOf(request),
      requestId: commandContextOf(request).requestId,
    };
    const auth: AuthInfo = {
      // The tools need the caller, never the secret: only the token's id is passed on.
      token: caller.principal.tokenId ?? '',
      clientId: caller.principal.userId,
      scopes: [],
      extra: { caller },
    };
    const server = this.tools.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(Object.assign(request, { auth }), response, request.body);
  }

  /**
   * No server-initiated stream (GET) and no sessions to end (DELETE) in stateless mode: 405 with
   * Allow, as the Streamable HTTP transport asks of a server that offers neither. (One handler
   * per method: Nest keeps only the last of two route decorators stacked on one method.) The
   * answer is the same for every caller and says nothing about a credential, so it needs none:
   * a client ending its "session" learns the method is not offered, not that its token is bad.
   */
  @Get()
  @Public()
  @HttpCode(405)
  noStream(@Res({ passthrough: true }) response: Response) {
    return methodNotAllowed(response);
  }

  @Delete()
  @Public()
  @HttpCode(405)
  noSession(@Res({ passthrough: true }) response: Response) {
    return methodNotAllowed(response);
  }
}

function methodNotAllowed(response: Response) {
  response.setHeader('Allow', 'POST');
  return {
    jsonrpc: '2.0',
    error: {
      code: -32000,
      message: 'Method not allowed: this MCP server is stateless (POST only)',
    },
    id: null,
  };
}
