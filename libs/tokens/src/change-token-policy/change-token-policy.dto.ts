import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_LIFETIME_DAYS, MIN_LIFETIME_DAYS } from '../domain/token-policy';

const range = `maxLifetimeDays must be a whole number from ${MIN_LIFETIME_DAYS} to ${MAX_LIFETIME_DAYS}`;

export class ChangeTokenPolicyDto {
  @ApiProperty({
    type: 'integer',
    minimum: MIN_LIFETIME_DAYS,
    maximum: MAX_LIFETIME_DAYS,
    example: 90,
  })
  @IsInt({ message: range })
  @Min(MIN_LIFETIME_DAYS, { message: range })
  @Max(MAX_LIFETIME_DAYS, { message: range })
  maxLifetimeDays!: number;
}
