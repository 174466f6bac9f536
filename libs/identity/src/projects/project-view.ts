import { ApiProperty } from '@nestjs/swagger';
import type { MembershipRecord, ProjectRecord, UserRecord } from '@pat/read-model';
import { PROJECT_ROLES, ProjectRole } from '../domain/project';

export class ProjectView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 30 }) name!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    enum: PROJECT_ROLES,
    nullable: true,
    description: 'The caller’s role in the project (null: not a member)',
  })
  role!: ProjectRole | null;
}

export class MemberView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: PROJECT_ROLES }) role!: ProjectRole;
}

export class ProjectDetailView extends ProjectView {
  @ApiProperty({ type: [MemberView] }) members!: MemberView[];
}

export const toProjectView = (project: ProjectRecord, role: ProjectRole | null): ProjectView => ({
  id: project.projectId,
  name: project.name,
  createdAt: project.createdAt,
  role,
});

/** Members that still exist as users; a deleted user's membership is not shown. */
export function toMemberViews(
  memberships: readonly MembershipRecord[],
  users: ReadonlyMap<string, UserRecord>,
): MemberView[] {
  return memberships.flatMap((m) => {
    const user = users.get(m.userId);
    if (!user || user.deletedAt !== null || m.role === null) return [];
    return [{ userId: user.userId, username: user.username, name: user.name, role: m.role }];
  });
}
