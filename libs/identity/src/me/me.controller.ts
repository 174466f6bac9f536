import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors } from '@pat/shared';
import { AllowedBeforePasswordChange, CurrentPrincipal, Principal } from '@pat/auth';
import { MeReader } from './me-reader';
import { MeView } from './me.view';

@ApiController({ path: 'me', tag: 'session' })
export class MeController {
  constructor(private readonly me: MeReader) {}

  @Get()
  // The web UI reads passwordChangeRequired here to ask for a new password first.
  @AllowedBeforePasswordChange()
  @ApiOperation({
    operationId: 'getMe',
    summary: 'Who you are, how you authenticated, and your projects',
  })
  @ApiErrors(400, 401, 403, 429, 503)
  @ApiOkResponse({ type: MeView })
  read(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return this.me.read(principal);
  }
}
