import { ApiProperty } from '@nestjs/swagger';
import type { TokenRecord } from '@pat/read-model';
import { DAY_MS } from '@pat/shared';
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
  @ApiProperty({ nullable: true, type: String }) lastUsedIp!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedUserAgent!: string | null;
  @ApiProperty({ description: 'Active and expiring within 7 days' }) expiringSoon!: boolean;
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
