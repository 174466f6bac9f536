import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ConfirmPasswordDto {
  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password!: string;
}

export class ConfirmedView {
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-24T14:17:00.000Z',
    description: 'Until when account changes need no password again',
  })
  confirmedUntil!: string;
}
