import { Module } from '@nestjs/common';
import { AuthModule } from '@pat/auth';
import { BootstrapAdminService } from './bootstrap/bootstrap-admin.service';
import { ChangeOwnPasswordController } from './change-own-password/change-own-password.controller';
import { ChangeOwnPasswordHandler } from './change-own-password/change-own-password.handler';
import { ConfirmPasswordHandler } from './confirm-password/confirm-password.handler';
import { CreateUserController } from './create-user/create-user.controller';
import { CreateUserHandler } from './create-user/create-user.handler';
import { DeleteUserController } from './delete-user/delete-user.controller';
import { DeleteUserHandler } from './delete-user/delete-user.handler';
import { GetUserController } from './get-user/get-user.controller';
import { ListUsersController } from './list-users/list-users.controller';
import { ListUsersHandler } from './list-users/list-users.handler';
import { MeReader } from './me/me-reader';
import { MeController } from './me/me.controller';
import { PasswordAttempts } from './password-attempts';
import { PasswordHasher } from './password-hasher';
import { CreateProjectController } from './projects/create-project/create-project.controller';
import { CreateProjectHandler } from './projects/create-project/create-project.handler';
import { GetProjectController } from './projects/get-project/get-project.controller';
import { ListProjectsController } from './projects/list-projects/list-projects.controller';
import { MembersController } from './projects/members.controller';
import { ProjectAccessGuard } from './projects/project-access.guard';
import { ProjectNames } from './projects/project-names';
import { ProjectReader } from './projects/project-reader';
import { RemoveMemberHandler } from './projects/remove-member/remove-member.handler';
import { RenameProjectController } from './projects/rename-project/rename-project.controller';
import { RenameProjectHandler } from './projects/rename-project/rename-project.handler';
import { SetMemberHandler } from './projects/set-member/set-member.handler';
import { ResetPasswordHandler } from './reset-password/reset-password.handler';
import { SessionController } from './session/session.controller';
import { SignInHandler } from './sign-in/sign-in.handler';
import { SignOutHandler } from './sign-out/sign-out.handler';
import { UpdateUserController } from './update-user/update-user.controller';
import { UpdateUserHandler } from './update-user/update-user.handler';
import { UserDeletionProcessManager } from './user-deletion/user-deletion.process-manager';
import { UserReader } from './user-reader';

@Module({
  imports: [AuthModule],
  controllers: [
    SessionController,
    MeController,
    ChangeOwnPasswordController,
    CreateUserController,
    ListUsersController,
    GetUserController,
    UpdateUserController,
    DeleteUserController,
    CreateProjectController,
    ListProjectsController,
    GetProjectController,
    RenameProjectController,
    MembersController,
  ],
  providers: [
    PasswordHasher,
    PasswordAttempts,
    UserReader,
    ProjectReader,
    ProjectNames,
    MeReader,
    ProjectAccessGuard,
    SignInHandler,
    ConfirmPasswordHandler,
    SignOutHandler,
    CreateUserHandler,
    ListUsersHandler,
    UpdateUserHandler,
    ChangeOwnPasswordHandler,
    ResetPasswordHandler,
    DeleteUserHandler,
    CreateProjectHandler,
    RenameProjectHandler,
    SetMemberHandler,
    RemoveMemberHandler,
    BootstrapAdminService,
    UserDeletionProcessManager,
  ],
  exports: [
    BootstrapAdminService,
    PasswordHasher,
    ProjectReader,
    MeReader,
    UserDeletionProcessManager,
  ],
})
export class IdentityModule {}
