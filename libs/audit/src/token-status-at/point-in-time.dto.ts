import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSTANT_FORMAT_HINT, ISO_INSTANT_WITH_OFFSET } from '@pat/shared';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class AtInstantDto {
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-24T14:02:00Z',
    description: 'ISO 8601 date and time with a UTC offset (`Z` or `±hh:mm`); without one: 400',
  })
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 instant' })
  @Matches(ISO_INSTANT_WITH_OFFSET, { message: `at must be ${INSTANT_FORMAT_HINT}` })
  at!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this user’s tokens' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;
}

/**
 * With the paging parameters, read by parsePageRequest (which names either when invalid); here
 * they are only let through, and refused when repeated. Described by ApiPaged, not here.
 */
export class ActiveTokensAtDto extends AtInstantDto {
  @IsOptional()
  @IsString({ message: 'limit must be a whole number from 1 to 100' })
  limit?: string;

  @IsOptional()
  @IsString({ message: 'cursor must be a cursor returned by this API (from a Link header)' })
  cursor?: string;
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
  @ApiPropertyOptional({
    type: 'integer',
    description: 'The policy maximum in force at that instant',
  })
  maxLifetimeDays?: number;
}

export class ActiveTokensAtView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [TokenStatusAtView] }) tokens!: TokenStatusAtView[];
}
