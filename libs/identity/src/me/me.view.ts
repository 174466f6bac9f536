import { ApiProperty } from '@nestjs/swagger';
import { UserProfileView } from '../user-view';

export class ProjectMembershipView {
  @ApiProperty({ format: 'uuid', example: '5d2e7f10-3a4b-4c6d-8e9f-1a2b3c4d5e6f' }) id!: string;
  @ApiProperty({ example: 'Forecasting' }) name!: string;
  @ApiProperty({
    enum: ['admin', 'data_quality', 'analyst', 'business', 'catalog'],
    example: 'analyst',
  })
  role!: string;
}

export class MeView extends UserProfileView {
  @ApiProperty({ format: 'uuid', example: '3f0c9a5e-8d1b-4c2e-9f4a-6b7d2e1c0a91' }) userId!: string;
  @ApiProperty({ type: [ProjectMembershipView] }) projects!: ProjectMembershipView[];
  @ApiProperty({ enum: ['session', 'token'], example: 'token' }) authMethod!: 'session' | 'token';
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    example: '8a4b6c2d-1e3f-4a5b-9c7d-0e1f2a3b4c5d',
  })
  tokenId!: string | null;
  @ApiProperty({
    description:
      'The password is a one-time one: until PUT /me/password sets a new one, every other ' +
      'route answers 403 `password_change_required`',
    example: false,
  })
  passwordChangeRequired!: boolean;
}
