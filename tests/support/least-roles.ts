// The least role of every procedure, written out by hand: a procedure added to the router fails the
// role suites (integration and hostile) until someone decides here who may call it.
import { appRouter } from '@jobdeck/api';
export type CallerRole = 'public' | 'viewer' | 'operator' | 'admin';

export const RANK: Record<CallerRole, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };

export const LEAST_ROLE: Record<string, CallerRole> = {
  'auth.login': 'public',
  'auth.me': 'viewer',
  'auth.logout': 'viewer',
  'jobs.types': 'viewer',
  'jobs.get': 'viewer',
  'jobs.list': 'viewer',
  'jobs.stats': 'viewer',
  'jobs.search': 'viewer',
  'jobs.enqueue': 'operator',
  'jobs.retry': 'operator',
  'jobs.cancel': 'operator',
  'jobs.terminate': 'operator',
  'jobs.bulkPreview': 'operator',
  'jobs.bulk': 'operator',
  'jobs.delete': 'admin',
  'queues.list': 'viewer',
  'queues.pause': 'operator',
  'queues.resume': 'operator',
  'queues.drainPreview': 'admin',
  'queues.drain': 'admin',
  'queues.cleanPreview': 'admin',
  'queues.clean': 'admin',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.update': 'admin',
  'users.resetPassword': 'admin',
  'tokens.list': 'admin',
  'tokens.create': 'admin',
  'tokens.revoke': 'admin',
  'audit.list': 'admin',
  'audit.actions': 'admin',
  'system.health': 'viewer',
  'system.info': 'viewer',
  'insight.trends': 'viewer',
  'insight.performance': 'viewer',
  'insight.failures': 'viewer',
  'insight.overview': 'viewer',
  'insight.machines': 'viewer',
  'events.subscribe': 'viewer',
  'schedules.list': 'viewer',
  'schedules.get': 'viewer',
  'schedules.validate': 'viewer',
  'schedules.create': 'admin',
  'schedules.update': 'admin',
  'schedules.delete': 'admin',
  'schedules.pause': 'admin',
  'schedules.resume': 'admin',
  'schedules.trigger': 'admin',
  'schedules.backfill': 'admin',
  'templates.list': 'viewer',
  'templates.get': 'viewer',
  'templates.create': 'admin',
  'templates.update': 'admin',
  'templates.delete': 'admin',
  'templates.run': 'operator',
  'alerts.list': 'viewer',
  'views.list': 'viewer',
  'views.create': 'viewer',
  'views.update': 'viewer',
  'views.delete': 'viewer',
  'exports.create': 'viewer',
  'exports.list': 'viewer',
  'exports.get': 'viewer',
};

/** Every procedure of the router, with its type (query, mutation or subscription). */
export const PROCEDURES = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));

/** The procedures a plain HTTP call reaches (all but subscriptions), as [path, type] rows for it.each. */
export const HTTP_PROCEDURES = PROCEDURES.filter((procedure) => procedure.type !== 'subscription').map(
  (procedure) => [procedure.path, procedure.type] as const,
);
