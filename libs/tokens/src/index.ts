export * from './domain';
export * from './projections/token.projection';
export * from './revoke-token/revoke-token.command';
export * from './token-view';
export * from './tokens.module';
