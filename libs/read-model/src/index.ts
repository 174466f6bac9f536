export * from './read-model.port';
export * from './embedded/sqlite-read-model';
export * from './embedded/open-on-first-use';
