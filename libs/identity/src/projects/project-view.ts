import { ApiProperty } from '@nestjs/swagger';
import type { MembershipRecord, ProjectRecord, UserRecord } from '@pat/read-model';
import { PROJECT_ROLES, ProjectRole } from '../domain/project';

export class ProjectView {
  @ApiProperty({ format: 'uuid', example: '5d2e7f10-3a4b-4c6d-8e9f-1a2b3c4d5e6f' }) id!: string;
  @ApiProperty({ maxLength: 30, example: 'Forecasting' }) name!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:02:00.000Z' }) createdAt!: string;
  @ApiProperty({
    enum: PROJECT_ROLES,
    nullable: true,
    example: 'admin',
    description: 'The caller’s role in the project (null: not a member)',
  })
  role!: ProjectRole | null;
}

export class MemberView {
  @ApiProperty({ format: 'uuid', example: '3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91' }) userId!: string;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Alice Liddell' }) name!: string | null;
  @ApiProperty({ enum: PROJECT_ROLES, example: 'analyst' }) role!: ProjectRole;
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
