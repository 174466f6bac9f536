import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@pat/auth';
import { USER_QUERIES, UserQueries } from '@pat/read-model';
import { notFound } from '@pat/shared';
import { ProjectReader } from '../projects/project-reader';
import type { MeView } from './me.view';

/** "Who am I", as REST `GET /me` and the MCP `whoami` tool both answer it. */
@Injectable()
export class MeReader {
  constructor(
    @Inject(USER_QUERIES) private readonly userQueries: UserQueries,
    private readonly projects: ProjectReader,
  ) {}

  async read(principal: Principal): Promise<MeView> {
    const user = await this.userQueries.findUserById(principal.userId);
    if (!user || user.deletedAt !== null) throw notFound('User not found');
    const projects = await this.projects.ofUser(user.userId);
    return {
      userId: user.userId,
      username: user.username,
      name: user.name,
      email: user.email,
      isAdmin: user.isAdmin,
      isAuditor: user.isAuditor,
      projects: projects.map(({ id, name, role }) => ({ id, name, role: role ?? '' })),
      authMethod: principal.authMethod,
      tokenId: principal.tokenId,
      passwordChangeRequired: user.passwordChangeRequired === true,
    };
  }
}
