export * from './command-runner';
export * from './projection-runner';
export * from './projector';
export * from './process-manager-runner';
export * from './replay';
export * from './store-health';
export * from './log-binding/log-binding';
export * from './log-binding/log-binding-check';
