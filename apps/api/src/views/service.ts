// Saved views: a search a user named to find it again, their own or shared with everyone.
import { Prisma, type SavedView } from '@jobdeck/db';
import { z } from 'zod';
import { hasRole } from '@jobdeck/workflows';
import { DomainError, jobSearch, type JobSearch } from '@jobdeck/workflows/control';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';

const viewName = z.string().trim().min(1, 'name is required').max(100, 'name: at most 100 characters');
const viewId = z.uuid('id is not a view id');

export const viewCreate = z.object({ name: viewName, search: jobSearch, shared: z.boolean().default(false) }).strict();
export const viewUpdate = z
  .object({ id: viewId, name: viewName.optional(), search: jobSearch.optional(), shared: z.boolean().optional() })
  .strict();
export const viewById = z.object({ id: viewId }).strict();

/** A person's own views, at most: a list of views is read whole, on every visit of the search page. */
export const MAX_VIEWS_PER_OWNER = 100;

/**
 * A view as listed. Its search is validated again as it is read: a view saved by an older version
 * whose search no longer validates is listed with the problem (to fix or delete), not a failure.
 */
export type ViewOut = {
  id: string;
  name: string;
  owner: string;
  shared: boolean;
  /** Saved by whoever asks: theirs to change and delete. */
  mine: boolean;
  createdAt: string;
  updatedAt: string;
} & (
  | { valid: true; search: JobSearch; problem: null }
  | { valid: false; search: null; problem: string; savedSearch: unknown }
);

function viewOut(view: SavedView, principal: Principal): ViewOut {
  const base = {
    id: view.id,
    name: view.name,
    owner: view.owner,
    shared: view.shared,
    mine: view.owner === principal.name,
    createdAt: view.createdAt.toISOString(),
    updatedAt: view.updatedAt.toISOString(),
  };
  const parsed = jobSearch.safeParse(view.search);
  if (parsed.success) return { ...base, valid: true, search: parsed.data, problem: null };
  const problem = parsed.error.issues
    .map((issue) => `${['search', ...issue.path].join('.')}: ${issue.message}`)
    .join('; ');
  return { ...base, valid: false, search: null, problem, savedSearch: view.search };
}

function checkMayShare(principal: Principal) {
  if (!hasRole(principal.role, 'operator'))
    throw new DomainError('FORBIDDEN', `sharing a view requires the operator role; you are ${principal.role}`);
}

/** A taken name (per owner) as the caller's conflict; a view gone meanwhile as not found. */
function refusedWrite(error: unknown, name: string | undefined): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
    throw new DomainError('CONFLICT', `you already have a view named ${JSON.stringify(name)}`);
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')
    throw new DomainError('NOT_FOUND', 'no such view');
  throw error;
}

/** A view the caller may see (theirs, or shared); others' private views do not exist for them. */
async function visibleView(services: Services, principal: Principal, id: string): Promise<SavedView> {
  const view = await services.db.savedView.findUnique({ where: { id } });
  if (!view || (view.owner !== principal.name && !view.shared)) throw new DomainError('NOT_FOUND', `no view ${id}`);
  return view;
}

export async function listViews(services: Services, principal: Principal): Promise<ViewOut[]> {
  const views = await services.db.savedView.findMany({
    where: { OR: [{ owner: principal.name }, { shared: true }] },
    orderBy: [{ name: 'asc' }, { owner: 'asc' }],
  });
  return views.map((view) => viewOut(view, principal));
}

export async function createView(services: Services, principal: Principal, request: z.output<typeof viewCreate>) {
  if (request.shared) checkMayShare(principal);
  const owned = await services.db.savedView.count({ where: { owner: principal.name } });
  if (owned >= MAX_VIEWS_PER_OWNER)
    throw new DomainError(
      'PRECONDITION_FAILED',
      `you have ${owned} saved views, the most one may keep: delete one you no longer use`,
    );
  const view = await services.db.savedView
    .create({
      data: {
        name: request.name,
        owner: principal.name,
        shared: request.shared,
        search: request.search as Prisma.InputJsonObject,
      },
    })
    .catch((error: unknown) => refusedWrite(error, request.name));
  return viewOut(view, principal);
}

/** Only the owner changes a view (sharing it still needs the operator role). */
export async function updateView(services: Services, principal: Principal, request: z.output<typeof viewUpdate>) {
  const view = await visibleView(services, principal, request.id);
  if (view.owner !== principal.name)
    throw new DomainError('FORBIDDEN', `only its owner (${view.owner}) may change the view ${view.name}`);
  if (request.shared) checkMayShare(principal);
  const updated = await services.db.savedView
    .update({
      where: { id: view.id },
      data: {
        name: request.name,
        shared: request.shared,
        search: request.search as Prisma.InputJsonObject | undefined,
      },
    })
    .catch((error: unknown) => refusedWrite(error, request.name));
  return viewOut(updated, principal);
}

/** The owner deletes a view; an admin may also delete a shared view of someone else's. */
export async function deleteView(services: Services, principal: Principal, id: string) {
  const view = await visibleView(services, principal, id);
  if (view.owner !== principal.name && !hasRole(principal.role, 'admin'))
    throw new DomainError('FORBIDDEN', `only its owner (${view.owner}) or an admin may delete the view ${view.name}`);
  await services.db.savedView.delete({ where: { id } }).catch((error: unknown) => refusedWrite(error, undefined));
  return { id, deleted: true as const };
}
