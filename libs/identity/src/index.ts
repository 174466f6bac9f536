export * from './bootstrap/bootstrap-admin.service';
export * from './domain';
export * from './identity.module';
export * from './projections/user.projection';
export * from './projections/project.projection';
export * from './projects/project-reader';
export * from './user-deletion/user-deletion.process-manager';
