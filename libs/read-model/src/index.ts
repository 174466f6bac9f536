export * from './read-model.port';
export * from './embedded/sqlite-read-model';
