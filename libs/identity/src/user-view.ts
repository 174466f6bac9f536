import { ApiProperty } from '@nestjs/swagger';
import type { UserRecord } from '@pat/read-model';

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty() isAdmin!: boolean;
  @ApiProperty() isAuditor!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
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
