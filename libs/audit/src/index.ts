export * from './active-tokens-at/active-tokens-at.query';
export * from './active-tokens-at/replay-active-tokens-at.query';
export * from './audit-log';
export * from './audit.module';
export * from './event-types';
export * from './list-events/list-events.query';
export * from './token-status-at/token-status-at.query';
