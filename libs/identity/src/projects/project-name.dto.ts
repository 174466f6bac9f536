import { ApiProperty } from '@nestjs/swagger';
import { VisibleName } from '@pat/shared';
import { IsString, MaxLength } from 'class-validator';
import { PROJECT_NAME_MAX_LENGTH } from '../domain/project';

/** Body of project creation and renaming. */
export class ProjectNameDto {
  @ApiProperty({ maxLength: PROJECT_NAME_MAX_LENGTH, example: 'Forecasting' })
  @IsString({ message: 'name must be a string' })
  @VisibleName()
  @MaxLength(PROJECT_NAME_MAX_LENGTH, {
    message: `name must be at most ${PROJECT_NAME_MAX_LENGTH} characters`,
  })
  name!: string;
}
