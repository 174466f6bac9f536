import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

export class AtInstantDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:02:00Z' })
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 instant' })
  at!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this user’s tokens' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;
}

export class TokenStatusAtView {
  @ApiProperty({ format: 'uuid' }) tokenId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'False when the token had not been created yet' }) existed!: boolean;
  @ApiPropertyOptional({ enum: ['Active', 'Expired', 'Revoked'] }) status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) userId?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) effectiveExpiresAt?: string;
  @ApiPropertyOptional() cappedByPolicy?: boolean;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  revokedAt?: string | null;
  @ApiPropertyOptional({ description: 'The policy maximum in force at that instant' })
  maxLifetimeDays?: number;
}

export class ActiveTokensAtView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [TokenStatusAtView] }) tokens!: TokenStatusAtView[];
}
