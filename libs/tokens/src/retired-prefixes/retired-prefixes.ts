import { Inject, Injectable, Logger } from '@nestjs/common';
import { READ_MODEL_INSPECTION, ReadModelInspection, TokenRecord } from '@pat/read-model';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@pat/shared';
import { TokenPolicyReader } from '../token-policy-reader';
import { TokenPolicy, effectiveExpiry, statusGivenExpiry } from '../domain/token-policy';

type CountedToken = Pick<TokenRecord, 'tokenHint' | 'createdAt' | 'expiresAt' | 'revokedAt'>;

export interface RetiredPrefixCount {
  readonly count: number;
  /** The unlisted prefixes those tokens have, sorted. */
  readonly prefixes: string[];
}

/** The prefix a hint shows (`tgp_…a1B2` → `tgp_`); hints always carry it. */
const prefixOfHint = (hint: string): string => hint.slice(0, hint.indexOf('…'));

/**
 * Active tokens whose prefix TOKEN_PREFIX no longer lists: they stopped authenticating when the
 * prefix was dropped. Pure, for the start-up report below.
 */
export function countRetiredPrefixTokens(
  tokens: readonly CountedToken[],
  listed: readonly string[],
  policy: TokenPolicy,
  nowMs: number,
): RetiredPrefixCount {
  const retired = new Set<string>();
  let count = 0;
  for (const token of tokens) {
    const prefix = prefixOfHint(token.tokenHint);
    if (listed.includes(prefix)) continue;
    const expiresAtMs = effectiveExpiry(token, policy).expiresAt.getTime();
    if (statusGivenExpiry(token.revokedAt !== null, expiresAtMs, nowMs) !== 'Active') continue;
    count += 1;
    retired.add(prefix);
  }
  return { count, prefixes: [...retired].sort() };
}

export function retiredPrefixWarning({ count, prefixes }: RetiredPrefixCount): string | null {
  if (count === 0) return null;
  const tokens = count === 1 ? '1 active token has' : `${count} active tokens have`;
  const they = count === 1 ? 'it no longer authenticates' : 'they no longer authenticate';
  return (
    `${tokens} prefix(es) no longer in TOKEN_PREFIX (${prefixes.join(', ')}); ${they}. ` +
    'List the prefix after the current one in TOKEN_PREFIX to keep them working.'
  );
}

/**
 * Run once at start, after the read model has caught up: one warning line when dropping a prefix
 * from TOKEN_PREFIX cut off tokens still in use, so the operator learns it from the log and not
 * from the owners. Reads every token document once (no query per user).
 */
@Injectable()
export class RetiredTokenPrefixes {
  private readonly logger = new Logger('TokenPrefix');

  constructor(
    @Inject(READ_MODEL_INSPECTION) private readonly inspection: ReadModelInspection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policy: TokenPolicyReader,
  ) {}

  async report(): Promise<void> {
    const documents = await this.inspection.allDocuments('tokens');
    const tokens = documents.map(({ doc }) => doc as CountedToken);
    const warning = retiredPrefixWarning(
      countRetiredPrefixTokens(
        tokens,
        this.config.tokenPrefixes,
        await this.policy.get(),
        this.clock.now().getTime(),
      ),
    );
    if (warning) this.logger.warn(warning);
  }
}
