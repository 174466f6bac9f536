import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '@pat/auth';
import { READ_MODEL, ReadModel } from '@pat/read-model';
import { notFound } from '@pat/shared';
import { ProjectReader } from '../projects/project-reader';
import { MeView } from './me.view';

@ApiTags('session')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('me')
export class MeController {
  constructor(
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    private readonly projects: ProjectReader,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Who you are, how you authenticated, and your projects' })
  @ApiOkResponse({ type: MeView })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    const user = await this.readModel.findUserById(principal.userId);
    if (!user) throw notFound('User not found');
    return {
      userId: user.userId,
      username: user.username,
      name: user.name,
      email: user.email,
      isAdmin: user.isAdmin,
      isAuditor: user.isAuditor,
      projects: (await this.projects.ofUser(user.userId)).map(({ id, name, role }) => ({
        id,
        name,
        role: role ?? '',
      })),
      authMethod: principal.authMethod,
      tokenId: principal.tokenId,
    };
  }
}
