import { ApiProperty } from '@nestjs/swagger';
import type { UserRecord } from '@pat/read-model';

/** Who a user is and what they may do: shared by an administrator's view and the user's own. */
export abstract class UserProfileView {
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Alice Liddell' }) name!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'alice@example.com' })
  email!: string | null;
  @ApiProperty({ example: false }) isAdmin!: boolean;
  @ApiProperty({ example: false }) isAuditor!: boolean;
}

export class UserView extends UserProfileView {
  @ApiProperty({ format: 'uuid', example: '3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91' }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:02:00.000Z' }) createdAt!: string;
}

export const toUserView = (user: UserRecord): UserView => ({
  id: user.userId,
  username: user.username,
  name: user.name,
  email: user.email,
  isAdmin: user.isAdmin,
  isAuditor: user.isAuditor,
  createdAt: user.createdAt,
});
