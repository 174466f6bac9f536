import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '@pat/auth';
import { MeReader, ProjectReader } from '@pat/identity';
import { DomainError, forbidden, notFound, parsePageRequest, productVersion } from '@pat/shared';
import {
  HISTORY_CURSOR_PARTS,
  ListMyTokensQuery,
  RevokeTokenCommand,
  TokenHistoryQuery,
} from '@pat/tokens';
import { z } from 'zod';
import {
  getProjectOutput,
  listMyTokensOutput,
  listProjectsOutput,
  tokenHistoryOutput,
  tokenOutput,
  whoamiOutput,
} from './mcp-output-schemas';

/** What the transport hands to every tool in `extra.authInfo.extra`. */
export interface McpCaller {
  readonly principal: Principal;
  readonly requestId: string | null;
}

type ToolExtra = { authInfo?: { extra?: Record<string, unknown> } };

const UUID = z.string().uuid();

/** Read once: every request builds a server, and the version does not change while running. */
const VERSION = productVersion();

/**
 * The MCP tools. Each reads the caller from the SDK's `authInfo` (put there by the bearer guard
 * for this very request) and goes through the same readers, queries and commands as the REST
 * API, so a tool answers exactly what REST answers for the same token, with the caller's
 * permissions as they are now. Refusals and failures come back as tool errors, never as HTTP 500.
 */
@Injectable()
export class McpTools {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly commandBus: CommandBus,
    private readonly me: MeReader,
    private readonly projects: ProjectReader,
  ) {}

  /** A server for one request (stateless Streamable HTTP): no state is shared between callers. */
  createServer(): McpServer {
    const server = new McpServer(
      { name: 'personal-access-tokens', version: VERSION },
      {
        instructions:
          'Tools of the Personal Access Token service. Every call acts as the user who owns the ' +
          'token in the Authorization header, with their current permissions.',
      },
    );

    server.registerTool(
      'whoami',
      {
        title: 'Who am I',
        description:
          'The user this token belongs to: username, flags (isAdmin, isAuditor), projects with ' +
          'the role in each, and the id of the token used.',
        inputSchema: {},
        outputSchema: whoamiOutput,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      (_args, extra) => this.run(extra, ({ principal }) => this.me.read(principal)),
    );

    server.registerTool(
      'list_projects',
      {
        title: 'List my projects',
        description: 'The projects the caller belongs to, each with the caller’s role.',
        inputSchema: {},
        outputSchema: listProjectsOutput,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      (_args, extra) =>
        this.run(extra, async ({ principal }) => ({
          projects: await this.projects.ofUser(principal.userId),
        })),
    );

    server.registerTool(
      'get_project',
      {
        title: 'Get a project',
        description:
          'One project the caller belongs to, with its members and their roles. A project the ' +
          'caller is not a member of is reported as not found.',
        inputSchema: { projectId: UUID.describe('The project id (a UUID)') },
        outputSchema: getProjectOutput,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      ({ projectId }, extra) =>
        this.run(extra, async ({ principal }) => {
          const project = await this.projects.detail(projectId, principal.userId);
          // Non-members get the same answer as for a project that does not exist.
          if (project.role === null) throw notFound(`Project ${projectId} not found`);
          return project;
        }),
    );

    server.registerTool(
      'list_my_tokens',
      {
        title: 'List my tokens',
        description:
          'The caller’s personal access tokens, newest first (the newest 100): name, hint, ' +
          'created, effective expiry, status (Active, Expired, Revoked). Never the tokens themselves.',
        inputSchema: {},
        outputSchema: listMyTokensOutput,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      (_args, extra) =>
        this.run(extra, async ({ principal }) => ({
          // The first page, as GET /me/tokens answers without parameters (bounded,
          // docs/design/contract.md §10).
          tokens: (await this.queryBus.execute(new ListMyTokensQuery(principal.userId))).items,
        })),
    );

    server.registerTool(
      'revoke_my_token',
      {
        title: 'Revoke one of my tokens',
        description:
          'Revokes one of the caller’s tokens at once and for good (it can be the token making ' +
          'this call). Fails if the token is not the caller’s or is already revoked.',
        inputSchema: { tokenId: UUID.describe('The id of the token to revoke (a UUID)') },
        outputSchema: tokenOutput,
        annotations: { destructiveHint: true, idempotentHint: false, openWorldHint: false },
      },
      ({ tokenId }, extra) =>
        this.run(extra, ({ principal, requestId }) =>
          this.commandBus.execute(
            new RevokeTokenCommand(tokenId, principal.userId, 'user', {
              actor: {
                userId: principal.userId,
                via: 'token',
                tokenId: principal.tokenId ?? undefined,
              },
              requestId,
            }),
          ),
        ),
    );

    server.registerTool(
      'token_history',
      {
        title: 'Token history (admins and auditors)',
        description:
          'The recorded events of any token (created, used, rejected, revoked, …) with who did ' +
          'what and when, in log order, 100 at a time: pass `next` back as `cursor` for more. ' +
          'Only for system administrators and auditors.',
        inputSchema: {
          tokenId: UUID.describe('The token id (a UUID)'),
          cursor: z
            .string()
            .max(512)
            .optional()
            .describe('The `next` of the previous page; absent for the first page'),
        },
        outputSchema: tokenHistoryOutput,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      ({ tokenId, cursor }, extra) =>
        this.run(extra, async ({ principal }) => {
          if (!principal.isAdmin && !principal.isAuditor) {
            throw forbidden('token_history is only for system administrators and auditors');
          }
          const page = parsePageRequest(undefined, cursor, HISTORY_CURSOR_PARTS);
          const result = await this.queryBus.execute(new TokenHistoryQuery(tokenId, page));
          return { ...result.view, next: result.next };
        }),
    );

    // McpServer advertises tools.listChanged as soon as a tool is registered, but a stateless
    // server has no stream to send that notification on and its tools never change: withdraw it
    // (merged over the SDK's value; undefined is left out of the initialize result).
    server.server.registerCapabilities({ tools: { listChanged: undefined } });
    return server;
  }

  private async run(
    extra: ToolExtra,
    work: (caller: McpCaller) => unknown,
  ): Promise<CallToolResult> {
    const caller = extra.authInfo?.extra?.caller as McpCaller | undefined;
    // The guard always sets it; without it nothing is known about the caller, so refuse.
    if (!caller) return toolError('Not authenticated');
    try {
      const result = await work(caller);
      return {
        content: [{ type: 'text', text: JSON.stringify(result, null, 2) }],
        structuredContent: result as Record<string, unknown>,
      };
    } catch (error) {
      if (error instanceof DomainError) return toolError(error.message);
      return toolError('The service could not complete this call; try again shortly');
    }
  }
}

function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}
