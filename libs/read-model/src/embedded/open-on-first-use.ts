import type { ReadModel } from '../read-model.port';

/** Every member of the port; the type makes this list complete and exact. */
const MEMBERS: Record<keyof ReadModel, true> = {
  applyEvents: true,
  getCheckpoint: true,
  clear: true,
  setBulkLoading: true,
  findTokenByHash: true,
  findTokenCredential: true,
  findTokenById: true,
  listTokensByUser: true,
  listTokensOfUserPage: true,
  listUsersPage: true,
  countActiveTokensOfUser: true,
  listTokensActiveAtPage: true,
  findUserById: true,
  findUserByUsernameKey: true,
  listUsers: true,
  countUsers: true,
  findProjectById: true,
  listProjects: true,
  findMembership: true,
  listMembershipsOfUser: true,
  listMembersOfProject: true,
  getTokenPolicy: true,
  allDocuments: true,
  readLogBinding: true,
  bindToLog: true,
  location: true,
  ping: true,
  close: true,
};

/**
 * A read model opened when it is first used rather than when it is wired up. The operator CLI
 * wires every store for every command, but most commands read only the event log: this way they
 * run while the API holds the embedded read model's lock, and only those that need the read
 * model say it is taken.
 */
export function openOnFirstUse(open: () => ReadModel, location: string): ReadModel {
  let opened: ReadModel | null = null;
  return new Proxy({} as ReadModel, {
    get(_target, member: string | symbol) {
      // Anything else (Nest's lifecycle hooks, `then`) is not there, as on a plain object.
      if (typeof member !== 'string' || !Object.hasOwn(MEMBERS, member)) return undefined;
      // Not opened yet: nothing to close.
      if (member === 'close') return () => opened?.close() ?? Promise.resolve();
      // Known without opening: messages name it even when the file cannot be opened.
      if (member === 'location') return location;
      return (...args: unknown[]) => {
        opened ??= open();
        const method = opened[member as keyof ReadModel] as (...a: unknown[]) => unknown;
        return method.apply(opened, args);
      };
    },
  });
}
