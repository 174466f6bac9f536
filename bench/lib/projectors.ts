import type { Projector } from '@pat/application';

/**
 * The app's full projector list (ALL_PROJECTORS), from wherever the composition root keeps it:
 * the backends library, or the API's infrastructure module in older trees.
 */
export function allProjectors(): Projector[] {
  const candidates = ['@pat/backends', '../../apps/api/src/infrastructure/infrastructure.module'];
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require(candidate) as { ALL_PROJECTORS?: Projector[] };
      if (Array.isArray(loaded.ALL_PROJECTORS)) return loaded.ALL_PROJECTORS;
      failures.push(`${candidate}: no ALL_PROJECTORS`);
    } catch (error) {
      failures.push(`${candidate}: ${error instanceof Error ? error.message.split('\n')[0] : ''}`);
    }
  }
  throw new Error(`ALL_PROJECTORS not found (${failures.join('; ')})`);
}
