import { VisibleName } from '@pat/shared';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Every field optional; `null` clears name or email. The username cannot change. */
export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 100, nullable: true, type: String })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @VisibleName()
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  email?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'isAdmin must be true or false' })
  isAdmin?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'isAuditor must be true or false' })
  isAuditor?: boolean;

  @ApiPropertyOptional({ minLength: 8 })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @Matches(/^\S{8,256}$/, { message: 'password must be 8 to 256 characters without spaces' })
  password?: string;
}
