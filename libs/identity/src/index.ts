export * from './bootstrap/bootstrap-admin.service';
export * from './domain';
export * from './identity.module';
export * from './projections/user.projection';
