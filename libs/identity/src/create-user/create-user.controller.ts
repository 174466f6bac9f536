import { Body, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, CallerContext, CredentialChange } from '@pat/auth';
import { ApiController, ApiErrors, type CommandContext } from '@pat/shared';
import { UserView } from '../user-view';
import { CreateUserCommand } from './create-user.command';
import { CreateUserDto } from './create-user.dto';

@ApiController({ path: 'admin/users', tag: 'users' })
export class CreateUserController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @CredentialChange()
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user (system administrators)' })
  @ApiErrors(400, 401, 429, 503, { 409: 'The username is taken (ignoring case)' })
  @ApiCreatedResponse({ type: UserView })
  create(@Body() body: CreateUserDto, @CallerContext() context: CommandContext): Promise<UserView> {
    return this.commandBus.execute(
      new CreateUserCommand(
        {
          username: body.username,
          password: body.password,
          name: body.name ?? null,
          email: body.email ?? null,
          isAdmin: body.isAdmin ?? false,
          isAuditor: body.isAuditor ?? false,
        },
        context,
      ),
    );
  }
}
