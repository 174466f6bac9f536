import type { ProjectRole } from './project';

/**
 * Project roles from widest to narrowest, in the order DESIGN §7 lists them. A token may move a
 * member only down this list (DESIGN §10: a token can reduce access, never widen it).
 */
const RANK: Readonly<Record<ProjectRole, number>> = {
  admin: 5,
  data_quality: 4,
  analyst: 3,
  business: 2,
  catalog: 1,
};

/** Higher is wider. */
export const roleRank = (role: ProjectRole): number => RANK[role];

/**
 * Whether giving `next` to a member whose role is `current` (undefined: not a member yet) widens
 * their access. Adding a member always does; the same role or a lower one does not.
 */
export function widensAccess(current: ProjectRole | undefined, next: ProjectRole): boolean {
  return current === undefined || roleRank(next) > roleRank(current);
}
