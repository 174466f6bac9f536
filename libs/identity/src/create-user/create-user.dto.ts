import { VisibleName } from '@pat/shared';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateUserDto {
  @ApiProperty({ minLength: 3, maxLength: 64, example: 'alice' })
  @IsString({ message: 'username must be a string' })
  @Matches(/^[A-Za-z0-9._@-]{3,64}$/, {
    message: 'username must be 3 to 64 characters: letters, digits, dot, underscore, hyphen or @',
  })
  username!: string;

  @ApiProperty({ minLength: 8, example: 'correct-horse-battery' })
  @IsString({ message: 'password must be a string' })
  @Matches(/^\S{8,256}$/, { message: 'password must be 8 to 256 characters without spaces' })
  password!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'Alice Liddell' })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @VisibleName()
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name?: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  email?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'isAdmin must be true or false' })
  isAdmin?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'isAuditor must be true or false' })
  isAuditor?: boolean;
}
