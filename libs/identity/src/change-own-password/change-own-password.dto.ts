import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class ChangeOwnPasswordDto {
  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString({ message: 'currentPassword must be a string' })
  @MaxLength(256, { message: 'currentPassword must be at most 256 characters' })
  currentPassword!: string;

  /** The same rule as a new user's password. */
  @ApiProperty({ minLength: 8, maxLength: 256, example: 'battery-staple-horse' })
  @IsString({ message: 'newPassword must be a string' })
  @Matches(/^\S{8,256}$/, { message: 'newPassword must be 8 to 256 characters without spaces' })
  newPassword!: string;
}
