import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString({ message: 'username must be a string' })
  @MaxLength(64, { message: 'username must be at most 64 characters' })
  username!: string;

  @ApiProperty({ example: 'correct-horse-battery' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(256, { message: 'password must be at most 256 characters' })
  password!: string;
}
