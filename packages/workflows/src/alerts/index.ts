export * from './rules';
export * from './channels';
export * from './channel-secrets';
export * from './notify';
