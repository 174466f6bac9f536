import { ApiProperty } from '@nestjs/swagger';

export class TokenCountsView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Tokens the user ever created' })
  total!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Of those, revoked' })
  revoked!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Not revoked (active or expired: expiry is worked out per token in the lists)',
  })
  notRevoked!: number;
}
