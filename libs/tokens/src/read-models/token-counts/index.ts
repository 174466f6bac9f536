export * from './token-counts.read-model';
export * from './token-counts.module';
export * from './token-counts.query';
export * from './token-counts.view';
