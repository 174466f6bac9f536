import { ApiProperty } from '@nestjs/swagger';

export class ProjectMembershipView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['admin', 'data_quality', 'analyst', 'business', 'catalog'] })
  role!: string;
}

export class MeView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty() isAdmin!: boolean;
  @ApiProperty() isAuditor!: boolean;
  @ApiProperty({ type: [ProjectMembershipView] }) projects!: ProjectMembershipView[];
  @ApiProperty({ enum: ['session', 'token'] }) authMethod!: 'session' | 'token';
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) tokenId!: string | null;
  @ApiProperty({
    description:
      'The password is a one-time one: until PUT /me/password sets a new one, every other ' +
      'route answers 403 `password_change_required`',
  })
  passwordChangeRequired!: boolean;
}
