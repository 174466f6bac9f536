import { join, resolve } from 'node:path';
import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  CommandRunner,
  LogBindingCheck,
  PROJECTORS,
  ProjectionRunner,
  Projector,
  StoreHealth,
} from '@pat/application';
import { SESSION_STORE, SessionStore, SqliteSessionStore } from '@pat/auth';
import { MongoSessionStore } from '@pat/auth/session/mongo/mongo-session-store';
import { CHECKPOINT_STORE, EVENT_STORE, EventStore, SqliteEventStore } from '@pat/event-store';
import {
  EventStoreDbEventStore,
  isEventStoreDbUnreachable,
  serverAddress,
} from '@pat/event-store/eventstoredb/eventstoredb-event-store';
import { projectProjectEvents, projectUserEvents } from '@pat/identity';
import {
  PROJECT_QUERIES,
  READ_MODEL,
  READ_MODEL_INSPECTION,
  ReadModel,
  ReadModelUnavailableError,
  SqliteReadModel,
  TOKEN_POLICY_QUERIES,
  TOKEN_QUERIES,
  USER_QUERIES,
  openOnFirstUse,
} from '@pat/read-model';
import { MongoReadModel } from '@pat/read-model/mongo/mongo-read-model';
import {
  APP_CONFIG,
  AppConfig,
  CLOCK,
  Clock,
  StartupDeadline,
  openEmbeddedStore,
  waitForStore,
} from '@pat/shared';
import { projectTokenEvents } from '@pat/tokens';

/** The narrow query ports (docs/adr/0004), each answered by the one read model adapter. */
const QUERY_PORTS = [
  TOKEN_QUERIES,
  USER_QUERIES,
  PROJECT_QUERIES,
  TOKEN_POLICY_QUERIES,
  READ_MODEL_INSPECTION,
];

export const ALL_PROJECTORS: Projector[] = [
  projectTokenEvents,
  projectUserEvents,
  projectProjectEvents,
];

/**
 * The composition root for the stores, shared by the API and the CLI: picks the adapters the
 * configuration names and closes them on shutdown. Everything else depends on the ports only.
 */
@Global()
@Module({})
export class BackendsModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL) private readonly readModel: ReadModel,
    @Inject(SESSION_STORE) private readonly sessionStore: SessionStore,
  ) {}

  /**
   * `readModelOnFirstUse`: open the embedded read model only when something uses it (the CLI,
   * whose commands mostly read the event log while the API holds the read model's lock).
   */
  static forRoot(
    config: AppConfig,
    clock: Clock,
    options: { readModelOnFirstUse?: boolean } = {},
  ): DynamicModule {
    const readModelFile = join(config.dataDir, 'read-model.sqlite');
    // One bound for the whole start: servers not answering by then end it (STARTUP_TIMEOUT_SECONDS).
    const startup = new StartupDeadline(config.startupTimeoutMs);
    const embeddedReadModel = () =>
      openEmbeddedStore(
        {
          store: 'the read model',
          filename: readModelFile,
          ifDeleted: 'it is rebuilt from the event log at the next start',
          setting: 'DATA_DIR',
        },
        () => new SqliteReadModel({ filename: readModelFile }),
      );
    return {
      module: BackendsModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        {
          provide: EVENT_STORE,
          useFactory: async (): Promise<EventStore> => {
            if (!config.eventStoreConnectionString) {
              const filename = join(config.dataDir, 'events.sqlite');
              return openEmbeddedStore(
                { store: 'the event log', filename, ifDeleted: null, setting: 'DATA_DIR' },
                () => new SqliteEventStore({ filename }),
              );
            }
            const logger = new Logger('EventStoreDB');
            const store = new EventStoreDbEventStore(config.eventStoreConnectionString, {
              onSubscriptionDropped: (error, retryInMs) =>
                logger.warn(
                  `Subscription dropped (${error instanceof Error ? error.message : 'error'}); ` +
                    `resubscribing in ${retryInMs} ms`,
                ),
            });
            try {
              // The client connects on its first call: wait here, with progress lines, rather
              // than have the first read of the start hang or fail on a server still starting.
              await waitForStore({
                store: 'EventStoreDB',
                location: serverAddress(config.eventStoreConnectionString),
                setting: 'EVENTSTORE_CONNECTION_STRING',
                deadline: startup,
                attempt: () => store.ping(),
                isRetryable: isEventStoreDbUnreachable,
              });
            } catch (error) {
              await store.close().catch(() => undefined);
              throw error;
            }
            return store;
          },
        },
        // Both event store adapters keep checkpoints beside their log (docs/adr/0003).
        { provide: CHECKPOINT_STORE, useExisting: EVENT_STORE },
        {
          provide: READ_MODEL,
          useFactory: async (): Promise<ReadModel> =>
            config.mongodbUri
              ? waitForMongo(config.mongodbUri, startup, () =>
                  MongoReadModel.connect(config.mongodbUri!, {
                    operationTimeoutMs: config.storeTimeoutMs,
                  }),
                )
              : options.readModelOnFirstUse
                ? openOnFirstUse(embeddedReadModel, resolve(readModelFile))
                : embeddedReadModel(),
        },
        ...QUERY_PORTS.map((port) => ({ provide: port, useExisting: READ_MODEL })),
        {
          provide: SESSION_STORE,
          // After the read model: on MongoDB its wait is the one that prints progress lines.
          inject: [READ_MODEL],
          useFactory: async (): Promise<SessionStore> =>
            config.mongodbUri
              ? waitForMongo(config.mongodbUri, startup, () =>
                  MongoSessionStore.connect(config.mongodbUri!, {
                    operationTimeoutMs: config.storeTimeoutMs,
                  }),
                )
              : openEmbeddedStore(
                  {
                    store: 'the session store',
                    filename: join(config.dataDir, 'sessions.sqlite'),
                    ifDeleted: 'signed-in browser sessions end',
                    setting: 'DATA_DIR',
                  },
                  () =>
                    new SqliteSessionStore({ filename: join(config.dataDir, 'sessions.sqlite') }),
                ),
        },
        { provide: PROJECTORS, useValue: ALL_PROJECTORS },
        ProjectionRunner,
        CommandRunner,
        StoreHealth,
        LogBindingCheck,
      ],
      exports: [
        APP_CONFIG,
        CLOCK,
        EVENT_STORE,
        CHECKPOINT_STORE,
        READ_MODEL,
        ...QUERY_PORTS,
        SESSION_STORE,
        PROJECTORS,
        ProjectionRunner,
        CommandRunner,
        StoreHealth,
        LogBindingCheck,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      this.eventStore.close(),
      this.readModel.close(),
      this.sessionStore.close(),
    ]);
  }
}

/**
 * Connects to MongoDB within the start's bound, a new connection per attempt (mongoose does not
 * retry a first connection); each attempt is bounded by the driver's serverSelectionTimeoutMS.
 */
function waitForMongo<T extends { close(): Promise<void> }>(
  uri: string,
  deadline: StartupDeadline,
  connect: () => Promise<T>,
): Promise<T> {
  return waitForStore({
    store: 'MongoDB',
    location: mongoAddress(uri),
    setting: 'MONGODB_URI',
    deadline,
    attempt: connect,
    isRetryable: (error) => error instanceof ReadModelUnavailableError,
    discard: (late) => void late.close().catch(() => undefined),
  });
}

/** `mongodb://user:secret@host:27017/pat?x=y` → `mongodb://host:27017/pat`. */
function mongoAddress(uri: string): string {
  const match = /^([a-z+]+:\/\/)(?:[^@/]*@)?([^/?]*)(\/[^?]*)?/i.exec(uri);
  return match ? `${match[1]}${match[2]}${match[3] ?? ''}` : 'MongoDB';
}
