import { ApiProperty, ApiPropertyOptional, ApiSchema, ApiSchemaOptions } from '@nestjs/swagger';
import { INSTANT_FORMAT_HINT, ISO_INSTANT_WITH_OFFSET, VisibleName, invalid } from '@pat/shared';
import {
  IsISO8601,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_LIFETIME_DAYS } from '../domain/token-policy';
import { NAME_MAX_LENGTH, RequestedLifetime } from '../domain/token';

/**
 * Exactly one of expiresInDays or expiresAt (requestedLifetime below enforces it): in the
 * document a `oneOf` whose branches each require one of them (generated clients type it as
 * `{ name } & ({ expiresInDays } | { expiresAt })`). (ApiSchema merges any schema keys
 * it is given; its type only names `description`.)
 */
@ApiSchema({
  description: 'A new token: its name and exactly one of expiresInDays or expiresAt',
  oneOf: [
    {
      title: 'Lifetime in days',
      type: 'object',
      properties: { expiresInDays: { type: 'integer' } },
      required: ['expiresInDays'],
    },
    {
      title: 'Expiry instant',
      type: 'object',
      properties: { expiresAt: { type: 'string', format: 'date-time' } },
      required: ['expiresAt'],
    },
  ],
  example: { name: 'ci-deploy', expiresInDays: 30 },
} as ApiSchemaOptions)
export class CreateTokenDto {
  @ApiProperty({ maxLength: NAME_MAX_LENGTH, example: 'ci-deploy' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @VisibleName()
  @MaxLength(NAME_MAX_LENGTH, { message: `name must be at most ${NAME_MAX_LENGTH} characters` })
  name!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIFETIME_DAYS,
    description: 'Lifetime in days; give this or expiresAt, not both',
    example: 30,
  })
  @IsOptional()
  @IsInt({ message: 'expiresInDays must be a whole number of days' })
  @Min(1, { message: 'expiresInDays must be at least 1' })
  @Max(MAX_LIFETIME_DAYS, { message: `expiresInDays must be at most ${MAX_LIFETIME_DAYS}` })
  expiresInDays?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Expiry instant (ISO 8601 date and time with a UTC offset, `Z` or `±hh:mm`, in the ' +
      'future); give this or expiresInDays. Without an offset it is refused (400): it would ' +
      "be read in the server's time zone.",
    example: '2027-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date' })
  @Matches(ISO_INSTANT_WITH_OFFSET, { message: `expiresAt must be ${INSTANT_FORMAT_HINT}` })
  expiresAt?: string;
}

/** Exactly one of the two lifetime fields (docs/design/contract.md §4). */
export function requestedLifetime(dto: CreateTokenDto): RequestedLifetime {
  const hasDays = dto.expiresInDays !== undefined && dto.expiresInDays !== null;
  const hasInstant = dto.expiresAt !== undefined && dto.expiresAt !== null;
  if (hasDays === hasInstant) {
    throw invalid('expiresInDays', 'Give exactly one of expiresInDays or expiresAt');
  }
  return hasDays ? { expiresInDays: dto.expiresInDays! } : { expiresAt: dto.expiresAt! };
}
