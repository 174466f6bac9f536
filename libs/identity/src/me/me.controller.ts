import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AllowedBeforePasswordChange, CurrentPrincipal, Principal } from '@pat/auth';
import { MeReader } from './me-reader';
import { MeView } from './me.view';

@ApiTags('session')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('me')
export class MeController {
  constructor(private readonly me: MeReader) {}

  @Get()
  // The web UI reads passwordChangeRequired here to ask for a new password first.
  @AllowedBeforePasswordChange()
  @ApiOperation({ summary: 'Who you are, how you authenticated, and your projects' })
  @ApiOkResponse({ type: MeView })
  read(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return this.me.read(principal);
  }
}
