import { ApiProperty } from '@nestjs/swagger';
import type { TokenRecord } from '@pat/read-model';
import { DAY_MS } from '@pat/shared';
import { TokenPolicy, TokenStatus, effectiveExpiry, tokenStatus } from './domain/token-policy';

/** A token as listings show it: never the secret, status computed now under the current policy. */
export class TokenView {
  @ApiProperty({ format: 'uuid', example: '8a4b6c2d-1e3f-4a5b-9c7d-0e1f2a3b4c5d' }) id!: string;
  @ApiProperty({ example: 'ci-deploy' }) name!: string;
  @ApiProperty({ example: 'tgp_…a1B2' }) tokenHint!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:02:00.000Z' }) createdAt!: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-24T14:02:00.000Z',
    description: 'Effective expiry: the requested expiry, capped by the current policy',
  })
  expiresAt!: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-24T14:02:00.000Z',
    description: 'The expiry requested at creation',
  })
  requestedExpiresAt!: string;
  @ApiProperty({
    example: false,
    description: 'True when the current policy shortened the requested lifetime',
  })
  cappedByPolicy!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  revokedAt!: string | null;
  @ApiProperty({ enum: ['Active', 'Expired', 'Revoked'], example: 'Active' }) status!: TokenStatus;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: '2026-11-25T09:30:00.000Z',
  })
  lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' }) lastUsedIp!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'curl/8.5.0' })
  lastUsedUserAgent!: string | null;
  @ApiProperty({ example: false, description: 'Active and expiring within 7 days' })
  expiringSoon!: boolean;
}

export class CreatedTokenView extends TokenView {
  @ApiProperty({
    description: 'The token itself. Shown only in this response: store it now.',
    example: 'tgp_0123456789abcdefghijABCDEFGHIJ0a1B2c',
  })
  token!: string;
}

export const EXPIRING_SOON_MS = 7 * DAY_MS;

export function toTokenView(record: TokenRecord, policy: TokenPolicy, now: Date): TokenView {
  const effective = effectiveExpiry(record, policy);
  const status = tokenStatus(record, policy, now);
  return {
    id: record.tokenId,
    name: record.name,
    tokenHint: record.tokenHint,
    createdAt: record.createdAt,
    expiresAt: effective.expiresAt.toISOString(),
    requestedExpiresAt: record.expiresAt,
    cappedByPolicy: effective.cappedByPolicy,
    revokedAt: record.revokedAt,
    status,
    lastUsedAt: record.lastUsedAt,
    lastUsedIp: record.lastUsedIp ?? null,
    lastUsedUserAgent: record.lastUsedUserAgent ?? null,
    expiringSoon:
      status === 'Active' && effective.expiresAt.getTime() - now.getTime() <= EXPIRING_SOON_MS,
  };
}
