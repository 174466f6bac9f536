import {
  BoundedQueries,
  KeysetPage,
  MembershipRecord,
  ProjectQueries,
  ProjectRecord,
  UserQueries,
  UserRecord,
  UserSortKey,
  membershipId,
} from '../read-model.port';
import type { MongoStoreConnection } from './mongo-connection';
import {
  MembershipDoc,
  MongoModels,
  ProjectDoc,
  UserDoc,
  toMembership,
  toProject,
  toUser,
} from './mongo-documents';

/** The user, project and membership queries of the MongoDB read model. */
export class MongoIdentityQueries
  implements UserQueries, Pick<BoundedQueries, 'listUsersPage'>, ProjectQueries
{
  constructor(
    private readonly models: MongoModels,
    private readonly mongo: MongoStoreConnection,
  ) {}

  findUserById(userId: string): Promise<UserRecord | null> {
    return this.mongo.run(async () =>
      toUser(await this.models.users.findOne({ _id: { $eq: userId } }).lean<UserDoc>()),
    );
  }

  findUserByUsernameKey(usernameKey: string): Promise<UserRecord | null> {
    return this.mongo.run(async () =>
      toUser(
        await this.models.users
          .findOne({ usernameKey: { $eq: usernameKey }, deletedAt: null })
          .lean<UserDoc>(),
      ),
    );
  }

  listUsers(): Promise<UserRecord[]> {
    return this.mongo.run(async () => {
      const docs = await this.models.users
        .find({ deletedAt: null })
        .sort({ usernameKey: 1, _id: 1 })
        .lean<UserDoc[]>();
      return docs.map((doc) => toUser(doc)!);
    });
  }

  countUsers(): Promise<number> {
    return this.mongo.run(() => this.models.users.countDocuments({ deletedAt: null }).exec());
  }

  listUsersPage(page: KeysetPage<UserSortKey>): Promise<UserRecord[]> {
    return this.mongo.run(async () => {
      const after = page.after;
      const docs = await this.models.users
        .find({
          deletedAt: null,
          ...(after
            ? {
                $or: [
                  { usernameKey: { $gt: after.usernameKey } },
                  { usernameKey: { $eq: after.usernameKey }, _id: { $gt: after.userId } },
                ],
              }
            : {}),
        })
        .sort({ usernameKey: 1, _id: 1 })
        .limit(page.limit)
        .lean<UserDoc[]>();
      return docs.map((doc) => toUser(doc)!);
    });
  }

  findProjectById(projectId: string): Promise<ProjectRecord | null> {
    return this.mongo.run(async () =>
      toProject(await this.models.projects.findOne({ _id: { $eq: projectId } }).lean<ProjectDoc>()),
    );
  }

  listProjects(): Promise<ProjectRecord[]> {
    return this.mongo.run(async () => {
      const docs = await this.models.projects
        .find({})
        .sort({ nameKey: 1, _id: 1 })
        .lean<ProjectDoc[]>();
      return docs.map((doc) => toProject(doc)!);
    });
  }

  findMembership(projectId: string, userId: string): Promise<MembershipRecord | null> {
    return this.mongo.run(async () => {
      const doc = await this.models.memberships
        .findOne({ _id: { $eq: membershipId(projectId, userId) } })
        .lean<MembershipDoc>();
      // A removed member keeps its document, with role null.
      return doc && doc.role != null ? toMembership(doc) : null;
    });
  }

  listMembershipsOfUser(userId: string): Promise<MembershipRecord[]> {
    return this.mongo.run(async () => {
      const docs = await this.models.memberships
        .find({ userId: { $eq: userId }, role: { $ne: null } })
        .sort({ projectId: 1 })
        .lean<MembershipDoc[]>();
      return docs.map(toMembership);
    });
  }

  listMembersOfProject(projectId: string): Promise<MembershipRecord[]> {
    return this.mongo.run(async () => {
      const docs = await this.models.memberships
        .find({ projectId: { $eq: projectId }, role: { $ne: null } })
        .sort({ userId: 1 })
        .lean<MembershipDoc[]>();
      return docs.map(toMembership);
    });
  }
}
