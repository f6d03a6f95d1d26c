// exports.create, list and get: a search of at most DIRECT_EXPORT_LIMIT jobs is answered with a
// download ticket (streamed by http.ts); a larger one becomes a jobs.export job writing a file to storage.
import { randomUUID } from 'node:crypto';
import { hasRole } from '@jobdeck/workflows';
import { countSearch, DomainError, keyedJobId, startJobWorkflow, type JobSearch } from '@jobdeck/workflows/control';
import { type exportRequest, FORMAT_FILES, normaliseRequest, type ExportRequest } from '@jobdeck/workflows/export';
import { DIRECT_EXPORT_LIMIT } from '@jobdeck/workflows/vocabulary';
import type { z } from 'zod';
import type { Principal } from '../auth/tokens';
import type { Services } from '../services';
import { createTicketCodec, type TicketCodec } from './tickets';

const EXPORT_JOB_TYPE = 'jobs.export';

const codecs = new WeakMap<Services, TicketCodec>();
/** One codec per API process (its key is derived once). */
export function ticketCodec(services: Services): TicketCodec {
  let codec = codecs.get(services);
  if (!codec) codecs.set(services, (codec = createTicketCodec(services.config.encryptionKeys.current.key)));
  return codec;
}

export type CreateExportAnswer =
  | { mode: 'download'; url: string; count: number }
  | { mode: 'job'; exportId: string; jobId: string; count: number; exact: boolean };

export async function createExport(
  services: Services,
  principal: Principal,
  input: z.output<typeof exportRequest>,
): Promise<CreateExportAnswer> {
  const request = normaliseRequest(input);
  // Counted exactly up to the direct limit (a search's own total stops being exact well before it).
  const { count, exact } = await countSearch(services.sql, request.search, DIRECT_EXPORT_LIMIT);
  if (exact && count <= DIRECT_EXPORT_LIMIT) {
    const ticket = ticketCodec(services).issue(principal.tokenId, request);
    return { mode: 'download', url: `/exports/download?ticket=${ticket}`, count };
  }
  if (!hasRole(principal.role, 'operator'))
    throw new DomainError(
      'FORBIDDEN',
      `this search matches more than ${DIRECT_EXPORT_LIMIT.toLocaleString('en')} jobs: larger exports run as jobs, which operators start; you are ${principal.role}. Narrow the search to download it directly.`,
    );
  return startExportJob(services, principal, request, { count, exact });
}

async function startExportJob(
  services: Services,
  principal: Principal,
  request: ExportRequest,
  { count, exact }: { count: number; exact: boolean },
): Promise<CreateExportAnswer> {
  const exportId = randomUUID();
  // The job's id follows from the export's, so the row can name its job before the job starts:
  // the job then finds the export bound to it, and nothing else can start one that would.
  const jobId = keyedJobId(EXPORT_JOB_TYPE, exportId);
  await services.db.jobExport.create({
    data: {
      id: exportId,
      requestedBy: principal.name,
      format: request.format,
      search: request.search,
      fields: request.fields,
      withInput: request.withInput,
      withLogs: request.withLogs,
      jobId,
      totalRows: count,
    },
  });
  try {
    const job = await startJobWorkflow(services, {
      type: EXPORT_JOB_TYPE,
      input: { exportId, downloadHours: services.config.exportDownloadHours },
      options: { priority: 'normal', idempotencyKey: exportId },
      requestedBy: { name: principal.name, role: principal.role },
    });
    return { mode: 'job', exportId, jobId: job.id, count, exact };
  } catch (error) {
    await services.db.jobExport
      .update({
        where: { id: exportId },
        data: { state: 'failed', error: 'the export job could not be started', finishedAt: new Date() },
      })
      .catch(() => undefined);
    throw error;
  }
}

type ExportRow = NonNullable<Awaited<ReturnType<Services['db']['jobExport']['findUnique']>>>;

/** What the Exports page shows of an export; the download link only while the file is there. */
export function exportView(row: ExportRow, now = new Date()) {
  const available = row.state === 'completed' && (!row.expiresAt || row.expiresAt > now);
  return {
    id: row.id,
    requestedBy: row.requestedBy,
    format: row.format,
    // Validated when the export was made (exportRequest).
    search: row.search as JobSearch,
    fields: row.fields,
    withInput: row.withInput,
    withLogs: row.withLogs,
    state: available || row.state !== 'completed' ? row.state : ('expired' as const),
    jobId: row.jobId,
    rows: row.rows,
    totalRows: row.totalRows,
    bytes: Number(row.bytes),
    fileName: row.fileName ? `jobs-export-${row.id}.${FORMAT_FILES[row.format].extension}` : null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    downloadUrl: available ? `/exports/${row.id}/file` : null,
  };
}

/** Whether the principal may see this export: its requester, or an admin. */
export function mayRead(principal: Principal, row: { requestedBy: string }): boolean {
  return row.requestedBy === principal.name || hasRole(principal.role, 'admin');
}

export async function listExports(
  services: Services,
  principal: Principal,
  query: { limit: number; cursor?: string | null },
) {
  const admin = hasRole(principal.role, 'admin');
  const rows = await services.db.jobExport.findMany({
    where: admin ? {} : { requestedBy: principal.name },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit);
  return { items: page.map((row) => exportView(row)), nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

/** Someone else's export is answered as missing: its existence is not theirs to learn. */
export async function getExport(services: Services, principal: Principal, id: string) {
  const row = await services.db.jobExport.findUnique({ where: { id } });
  if (!row || !mayRead(principal, row)) throw new DomainError('NOT_FOUND', `no export ${id}`);
  return exportView(row);
}
