import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { PROJECT_NAME_MAX_LENGTH } from '../domain/project';

/** Body of project creation and renaming. */
export class ProjectNameDto {
  @ApiProperty({ maxLength: PROJECT_NAME_MAX_LENGTH, example: 'Forecasting' })
  @IsString({ message: 'name must be a string' })
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(PROJECT_NAME_MAX_LENGTH, {
    message: `name must be at most ${PROJECT_NAME_MAX_LENGTH} characters`,
  })
  name!: string;
}
