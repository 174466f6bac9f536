import { ApiProperty } from '@nestjs/swagger';
import type { TokenRecord } from '@pat/read-model';
import { TokenPolicy, TokenStatus, effectiveExpiry, tokenStatus } from './domain/token-policy';

/** A token as listings show it: never the secret, status computed now under the current policy. */
export class TokenView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ci-deploy' }) name!: string;
  @ApiProperty({ example: 'tgp_…a1B2' }) tokenHint!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    description: 'Effective expiry: the requested expiry, capped by the current policy',
  })
  expiresAt!: string;
  @ApiProperty({ format: 'date-time', description: 'The expiry requested at creation' })
  requestedExpiresAt!: string;
  @ApiProperty({ description: 'True when the current policy shortened the requested lifetime' })
  cappedByPolicy!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ enum: ['Active', 'Expired', 'Revoked'] }) status!: TokenStatus;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class CreatedTokenView extends TokenView {
  @ApiProperty({
    description: 'The token itself. Shown only in this response: store it now.',
    example: 'tgp_0123456789abcdefghijABCDEFGHIJ0a1B2c',
  })
  token!: string;
}

export function toTokenView(record: TokenRecord, policy: TokenPolicy, now: Date): TokenView {
  const effective = effectiveExpiry(record, policy);
  return {
    id: record.tokenId,
    name: record.name,
    tokenHint: record.tokenHint,
    createdAt: record.createdAt,
    expiresAt: effective.expiresAt.toISOString(),
    requestedExpiresAt: record.expiresAt,
    cappedByPolicy: effective.cappedByPolicy,
    revokedAt: record.revokedAt,
    status: tokenStatus(record, policy, now),
    lastUsedAt: record.lastUsedAt,
  };
}
