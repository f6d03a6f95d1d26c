// Saved views of a search: saved and found again as they were, unique per owner, shared only by
// operators and above, changed only by their owner (deleted by an admin too when shared), and a view
// an older version saved that no longer validates is listed with its problem rather than failing.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobdeckClient } from '@jobdeck/api/client';
import { clientAs, db } from '../support/harness';

const tag = randomBytes(3).toString('hex');
let viewer: JobdeckClient;
let operator: JobdeckClient;
let admin: JobdeckClient;
const search = {
  q: 'error:"answered 503" -by:alice',
  states: ['failed' as const, 'timed_out' as const],
  types: ['webhook.deliver'],
  finished: { from: '2026-11-28T18:00:00.000Z', to: '2026-11-29T06:00:00.000Z' },
  attempts: { min: 2 },
  sort: 'finished' as const,
  order: 'asc' as const,
};

beforeAll(async () => {
  ({ client: viewer } = await clientAs('viewer'));
  ({ client: operator } = await clientAs('operator'));
  ({ client: admin } = await clientAs('admin'));
});

afterAll(async () => {
  await db.savedView.deleteMany({ where: { name: { contains: tag } } });
});

const code = (code: string) => ({ data: { code } });

describe('saved views of a search', () => {
  it('round-trips a search, and refuses a second view of the same name', async () => {
    const name = `Nightly 503s ${tag}`;
    const created = await viewer.views.create.mutate({ name, search });
    expect(created).toMatchObject({ name, shared: false, mine: true, valid: true, search, problem: null });
    const listed = (await viewer.views.list.query()).find((view) => view.id === created.id);
    expect(listed).toMatchObject({ name, mine: true, valid: true, search });
    // The saved search runs as it was saved.
    await expect(viewer.jobs.search.query({ search: listed!.search!, limit: 1 })).resolves.toMatchObject({
      source: 'postgres',
    });
    await expect(viewer.views.create.mutate({ name: ` ${name} `, search: {} })).rejects.toMatchObject(code('CONFLICT'));
    // Another person may use the same name.
    await expect(operator.views.create.mutate({ name, search: {} })).resolves.toMatchObject({ name, mine: true });

    const renamed = await viewer.views.update.mutate({ id: created.id, name: `${name} (renamed)`, search: {} });
    expect(renamed).toMatchObject({ name: `${name} (renamed)`, search: {} });
    await expect(
      viewer.views.create.mutate({ name: `bad ${tag}`, search: { colour: 'red' } as never }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/search: Unrecognized key: "colour"/),
      ...code('BAD_REQUEST'),
    });
    await expect(viewer.views.create.mutate({ name: '', search: {} })).rejects.toMatchObject(code('BAD_REQUEST'));
    await expect(viewer.views.create.mutate({ name: 'x'.repeat(101), search: {} })).rejects.toMatchObject(
      code('BAD_REQUEST'),
    );
    expect(await viewer.views.delete.mutate({ id: created.id })).toEqual({ id: created.id, deleted: true });
    expect((await viewer.views.list.query()).some((view) => view.id === created.id)).toBe(false);
  });

  it('shares by role: operators share, owners change, admins may remove a shared view', async () => {
    await expect(viewer.views.create.mutate({ name: `shared ${tag}`, search, shared: true })).rejects.toMatchObject({
      message: expect.stringMatching(/sharing a view requires the operator role; you are viewer/),
      ...code('FORBIDDEN'),
    });
    const own = await viewer.views.create.mutate({ name: `private ${tag}`, search });
    await expect(viewer.views.update.mutate({ id: own.id, shared: true })).rejects.toMatchObject(code('FORBIDDEN'));

    const shared = await operator.views.create.mutate({ name: `team ${tag}`, search, shared: true });
    const secret = await operator.views.create.mutate({ name: `mine only ${tag}`, search });
    const seen = await viewer.views.list.query();
    expect(seen.find((view) => view.id === shared.id)).toMatchObject({ shared: true, mine: false, search });
    expect(seen.some((view) => view.id === secret.id)).toBe(false);
    // Not the viewer's to change or delete; another person's private view does not exist for them.
    await expect(viewer.views.update.mutate({ id: shared.id, name: 'taken over' })).rejects.toMatchObject(
      code('FORBIDDEN'),
    );
    await expect(viewer.views.delete.mutate({ id: shared.id })).rejects.toMatchObject(code('FORBIDDEN'));
    await expect(viewer.views.delete.mutate({ id: secret.id })).rejects.toMatchObject(code('NOT_FOUND'));
    await expect(admin.views.update.mutate({ id: shared.id, shared: false })).rejects.toMatchObject(code('FORBIDDEN'));
    await expect(admin.views.delete.mutate({ id: secret.id })).rejects.toMatchObject(code('NOT_FOUND'));
    expect(await admin.views.delete.mutate({ id: shared.id })).toEqual({ id: shared.id, deleted: true });
    // The owner unshares their own.
    const unshare = await operator.views.create.mutate({ name: `unshare ${tag}`, search, shared: true });
    await expect(operator.views.update.mutate({ id: unshare.id, shared: false })).resolves.toMatchObject({
      shared: false,
    });
  });

  it('lists a view whose saved search no longer validates, with the problem', async () => {
    const stale = await db.savedView.create({
      data: {
        name: `from an older version ${tag}`,
        owner: 'someone@example.test',
        shared: true,
        search: { states: ['exploded'], widgets: 3 },
      },
    });
    const listed = (await viewer.views.list.query()).find((view) => view.id === stale.id);
    expect(listed).toMatchObject({
      valid: false,
      search: null,
      mine: false,
      problem: expect.stringMatching(/search\.states\.0: .*; search: Unrecognized key: "widgets"/),
      savedSearch: { states: ['exploded'], widgets: 3 },
    });
  });
});
