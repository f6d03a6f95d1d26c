export { appRouter, type AppRouter } from './router';
export { createApiServer, listen } from './server';
export { createServices, type Services } from './services';
export { loadApiConfig, type ApiConfig } from './config';
export { ensureAdmin } from './auth/admin';
export { issueToken } from './auth/tokens';
export { createJobdeckClient, type JobdeckClient } from './client';
export { drainServer } from './shutdown';
