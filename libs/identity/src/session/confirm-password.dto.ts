import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ConfirmPasswordDto {
  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password!: string;
}

export class ConfirmedView {
  @ApiProperty({ description: 'Until when account changes need no password again' })
  confirmedUntil!: string;
}
