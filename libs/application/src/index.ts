export * from './command-runner';
export * from './projection-runner';
export * from './projector';
