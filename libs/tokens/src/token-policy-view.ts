import { ApiProperty } from '@nestjs/swagger';
import { TokenPolicy, lifetimePresets } from './domain/token-policy';

export class TokenPolicyView {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 3650, example: 365 })
  maxLifetimeDays!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'integer' },
    example: [7, 30, 60, 90, 180, 365],
    description: 'Lifetime presets (days) within the maximum',
  })
  presets!: number[];
}

export const toTokenPolicyView = (policy: TokenPolicy): TokenPolicyView => ({
  maxLifetimeDays: policy.maxLifetimeDays,
  presets: lifetimePresets(policy),
});
