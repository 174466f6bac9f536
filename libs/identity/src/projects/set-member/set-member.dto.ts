import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PROJECT_ROLES, ProjectRole } from '../../domain/project';

export class SetMemberDto {
  @ApiProperty({ enum: PROJECT_ROLES, example: 'analyst' })
  @IsIn(PROJECT_ROLES, { message: `role must be one of ${PROJECT_ROLES.join(', ')}` })
  role!: ProjectRole;
}
