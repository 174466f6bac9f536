import { Module } from '@nestjs/common';
import { AuthModule } from '@pat/auth';
import { BootstrapAdminService } from './bootstrap/bootstrap-admin.service';
import { CreateUserController } from './create-user/create-user.controller';
import { CreateUserHandler } from './create-user/create-user.handler';
import { ListUsersController } from './list-users/list-users.controller';
import { ListUsersHandler } from './list-users/list-users.handler';
import { MeController } from './me/me.controller';
import { PasswordHasher } from './password-hasher';
import { SessionController } from './session/session.controller';

@Module({
  imports: [AuthModule],
  controllers: [SessionController, MeController, CreateUserController, ListUsersController],
  providers: [PasswordHasher, CreateUserHandler, ListUsersHandler, BootstrapAdminService],
  exports: [BootstrapAdminService, PasswordHasher],
})
export class IdentityModule {}
