import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import {
  DOCUMENT_READ_MODELS,
  DocumentProjectionRunner,
  DocumentReadModel,
} from '@pat/application';
import {
  DOCUMENT_STORE,
  DocumentStore,
  FailingAsUnavailable,
  MongoDocumentStore,
  SqliteDocumentStore,
} from '@pat/documents';
import { READ_MODEL } from '@pat/read-model';
import { AppConfig, openEmbeddedStore } from '@pat/shared';

/**
 * The document store and the read models kept in it (docs/adr/0004): `documents.sqlite` in the
 * data folder by default, the read model's MongoDB database with MONGODB_URI. For the API only:
 * the CLI reads the event log and the main read model.
 */
@Global()
@Module({})
export class DocumentsModule implements OnApplicationShutdown {
  constructor(@Inject(DOCUMENT_STORE) private readonly store: DocumentStore) {}

  static forRoot(config: AppConfig, readModels: readonly DocumentReadModel[]): DynamicModule {
    const filename = join(config.dataDir, 'documents.sqlite');
    return {
      module: DocumentsModule,
      providers: [
        {
          provide: DOCUMENT_STORE,
          // After the read model: on MongoDB its connection is the one that waits and reports.
          inject: [READ_MODEL],
          useFactory: async (): Promise<DocumentStore> =>
            new FailingAsUnavailable(
              config.mongodbUri
                ? await MongoDocumentStore.connect(config.mongodbUri, config.storeTimeoutMs)
                : openEmbeddedStore(
                    {
                      store: 'the document read models',
                      filename,
                      ifDeleted: 'they are rebuilt from the event log at the next start',
                      setting: 'DATA_DIR',
                    },
                    () => new SqliteDocumentStore(filename),
                  ),
            ),
        },
        { provide: DOCUMENT_READ_MODELS, useValue: readModels },
        DocumentProjectionRunner,
      ],
      exports: [DOCUMENT_STORE, DocumentProjectionRunner],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch(() => undefined);
  }
}
