import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Configuration from the environment (docs/design/contract.md §3), validated once at start. A bad
 * value stops the process with one line naming the variable and what is wrong with it.
 */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const schema = z.object({
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be from 1 to 65535')
    .max(65535, 'must be from 1 to 65535')
    .default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  EVENTSTORE_CONNECTION_STRING: optionalText.refine(
    (value) => value === undefined || /^esdb(\+discover)?:\/\//.test(value),
    'must start with esdb:// or esdb+discover://',
  ),
  MONGODB_URI: optionalText.refine(
    (value) => value === undefined || /^mongodb(\+srv)?:\/\//.test(value),
    'must start with mongodb:// or mongodb+srv://',
  ),
  TOKEN_PREFIX: z
    .string()
    .default('tgp_')
    .transform((value) =>
      value
        .split(',')
        .map((prefix) => prefix.trim())
        .filter((prefix) => prefix !== ''),
    )
    .refine((prefixes) => prefixes.length > 0, 'must name at least one prefix')
    .superRefine((prefixes, context) => {
      for (const prefix of prefixes) {
        const service = wellKnownServiceOf(prefix);
        if (service) {
          context.addIssue({
            code: 'custom',
            message:
              `must not use "${prefix}", the prefix of ${service} tokens: secret scanners ` +
              "must be able to tell this service's tokens apart",
          });
          return;
        }
        if (!/^[A-Za-z0-9]{1,12}_$/.test(prefix)) {
          context.addIssue({
            code: 'custom',
            message:
              'must be a comma-separated list of prefixes, each 1 to 12 letters or digits ' +
              'followed by "_" (the current prefix first)',
          });
          return;
        }
      }
      if (new Set(prefixes.map((p) => p.toLowerCase())).size !== prefixes.length) {
        context.addIssue({ code: 'custom', message: 'must not list a prefix twice' });
      }
    }),
  BOOTSTRAP_ADMIN_USERNAME: optionalText.refine(
    (value) => value === undefined || /^[A-Za-z0-9._@-]{3,64}$/.test(value),
    'must be 3 to 64 characters: letters, digits, dot, underscore, hyphen or @',
  ),
  BOOTSTRAP_ADMIN_PASSWORD: optionalText.refine(
    (value) => value === undefined || (value.length >= 8 && !/\s/.test(value)),
    'must be at least 8 characters without spaces',
  ),
  SESSION_TTL_HOURS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be from 1 to 720')
    .max(720, 'must be from 1 to 720')
    .default(12),
  TOKEN_USAGE_INTERVAL_SECONDS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be from 1 to 86400')
    .max(86400, 'must be from 1 to 86400')
    .default(600),
  REDIS_URL: optionalText.refine(
    (value) => value === undefined || /^rediss?:\/\//.test(value),
    'must start with redis:// or rediss://',
  ),
  BEARER_FAILURE_LIMIT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(30),
  LOGIN_FAILURE_LIMIT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(10),
  LOGIN_CLIENT_FAILURE_LIMIT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(30),
  REAUTH_WINDOW_MINUTES: z.coerce
    .number({ message: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be from 1 to 1440 (minutes)')
    .max(1440, 'must be from 1 to 1440 (minutes)')
    .default(10),
  MAX_ACTIVE_TOKENS_PER_USER: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be from 1 to 1000000')
    .max(1_000_000, 'must be from 1 to 1000000')
    .default(100),
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ''),
    )
    .refine(
      (hosts) =>
        hosts.every(
          (host) =>
            host === '*' ||
            /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/.test(host),
        ),
      'must be a comma-separated list of host names, each optionally with :port (or *)',
    ),
  TRUST_PROXY: z
    .string()
    .default('')
    .refine(
      (value) =>
        value === '' ||
        /^(true|false|\d+|[\d.:/a-fA-F,\s]+|loopback|linklocal|uniquelocal)$/.test(value),
      'must be true, false, a hop count, or addresses/subnets (see Express "trust proxy")',
    ),
  MCP_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .refine(
      (origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)),
      'must be a comma-separated list of origins like https://app.example.com',
    ),
  STORE_TIMEOUT_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(100, 'must be from 100 to 60000 (milliseconds)')
    .max(60000, 'must be from 100 to 60000 (milliseconds)')
    .default(5000),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  STARTUP_TIMEOUT_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be from 1 to 3600 (seconds)')
    .max(3600, 'must be from 1 to 3600 (seconds)')
    .default(60),
});

/**
 * Prefixes of other services' secrets (as secret scanners know them). A token of this service
 * under one of them would be reported as, or mistaken for, the other service's.
 */
const WELL_KNOWN_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['ghp_', 'GitHub'],
  ['gho_', 'GitHub'],
  ['ghu_', 'GitHub'],
  ['ghs_', 'GitHub'],
  ['ghr_', 'GitHub'],
  ['github_pat_', 'GitHub'],
  ['glpat-', 'GitLab'],
  ['gldt-', 'GitLab'],
  ['glptt-', 'GitLab'],
  ['xoxb-', 'Slack'],
  ['xoxp-', 'Slack'],
  ['xoxa-', 'Slack'],
  ['xapp-', 'Slack'],
  ['sk_live_', 'Stripe'],
  ['sk_test_', 'Stripe'],
  ['pk_live_', 'Stripe'],
  ['rk_live_', 'Stripe'],
  ['AKIA', 'AWS'],
  ['ASIA', 'AWS'],
  ['AIza', 'Google'],
  ['npm_', 'npm'],
  ['pypi-', 'PyPI'],
  ['hf_', 'Hugging Face'],
  ['sk-', 'OpenAI'],
  ['shpat_', 'Shopify'],
  ['dop_v1_', 'DigitalOcean'],
  ['hvs.', 'Vault'],
  ['SG.', 'SendGrid'],
];

function wellKnownServiceOf(prefix: string): string | undefined {
  const lower = prefix.toLowerCase();
  return WELL_KNOWN_PREFIXES.find(([known]) => lower.startsWith(known.toLowerCase()))?.[1];
}

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStoreConnectionString: string | undefined;
  readonly mongodbUri: string | undefined;
  /** The prefix new tokens get (the first of TOKEN_PREFIX). */
  readonly tokenPrefix: string;
  /** Every prefix whose tokens authenticate: the current one first, then earlier ones. */
  readonly tokenPrefixes: readonly string[];
  readonly bootstrapAdmin: { readonly username: string; readonly password: string | undefined };
  readonly sessionTtlHours: number;
  readonly logLevel: string;
  /** A token's use (and a refused token's attempt) is recorded at most once per this interval. */
  readonly tokenUsageIntervalMs: number;
  /** Shared store for the failed-attempt counters; unset: in-process memory. */
  readonly redisUrl: string | undefined;
  /** Failed bearer attempts per client IP per minute before 429. */
  readonly bearerFailureLimit: number;
  /** Failed sign-ins per client IP and username per 15 minutes before 429. */
  readonly loginFailureLimit: number;
  /** Failed sign-ins per client IP across all usernames per 15 minutes before 429 (spraying). */
  readonly loginClientFailureLimit: number;
  /** How long a proven password lets a session make account changes (sudo mode), milliseconds. */
  readonly reauthWindowMs: number;
  /** Active (unexpired, unrevoked) tokens one user may hold at once. */
  readonly maxActiveTokensPerUser: number;
  /**
   * The Host values served (lower case, optionally with :port; "*" for any). Empty: the loopback
   * names at the listening port when bound to loopback, any host otherwise.
   */
  readonly allowedHosts: readonly string[];
  /** Express "trust proxy": needed behind TLS-terminating proxies (Secure cookies, client IPs). */
  readonly trustProxy: string | undefined;
  /** Browser origins besides the server's own that may call /mcp. */
  readonly mcpAllowedOrigins: readonly string[];
  /**
   * The longest wait on one store call (read model, session store) before it is given up as
   * unavailable (503); requests are cut off with a 503 shortly after it (a backstop).
   */
  readonly storeTimeoutMs: number;
  /**
   * How long the start waits for EventStoreDB and MongoDB to answer (retrying, with a progress
   * line per attempt) before it gives up with one line naming the variable.
   */
  readonly startupTimeoutMs: number;
}

export const APP_CONFIG = Symbol('AppConfig');

export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/**
 * Parses the environment; throws a ConfigurationError whose message is the one line to print,
 * naming every bad variable at once (the first problem of each) so that one restart fixes all.
 */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      if (problems.has(variable)) continue;
      const given = env[variable];
      problems.set(
        variable,
        `${variable} ${issue.message}` +
          // A password is never echoed, not even a wrong one.
          (given !== undefined && !/PASSWORD/.test(variable) ? ` (got "${given}")` : ''),
      );
    }
    throw new ConfigurationError(`Invalid configuration: ${[...problems.values()].join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.DATA_DIR),
    eventStoreConnectionString: c.EVENTSTORE_CONNECTION_STRING,
    mongodbUri: c.MONGODB_URI,
    tokenPrefix: c.TOKEN_PREFIX[0],
    tokenPrefixes: c.TOKEN_PREFIX,
    bootstrapAdmin: {
      username: c.BOOTSTRAP_ADMIN_USERNAME ?? 'admin',
      password: c.BOOTSTRAP_ADMIN_PASSWORD,
    },
    sessionTtlHours: c.SESSION_TTL_HOURS,
    logLevel: c.LOG_LEVEL,
    mcpAllowedOrigins: c.MCP_ALLOWED_ORIGINS,
    redisUrl: c.REDIS_URL,
    bearerFailureLimit: c.BEARER_FAILURE_LIMIT,
    loginFailureLimit: c.LOGIN_FAILURE_LIMIT,
    loginClientFailureLimit: c.LOGIN_CLIENT_FAILURE_LIMIT,
    reauthWindowMs: c.REAUTH_WINDOW_MINUTES * 60_000,
    maxActiveTokensPerUser: c.MAX_ACTIVE_TOKENS_PER_USER,
    allowedHosts: c.ALLOWED_HOSTS,
    trustProxy: c.TRUST_PROXY === '' ? undefined : c.TRUST_PROXY,
    tokenUsageIntervalMs: c.TOKEN_USAGE_INTERVAL_SECONDS * 1000,
    storeTimeoutMs: c.STORE_TIMEOUT_MS,
    startupTimeoutMs: c.STARTUP_TIMEOUT_SECONDS * 1000,
  };
}
