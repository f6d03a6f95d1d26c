// The export downloads, outside tRPC because they are files: GET /exports/download?ticket=… streams a
// direct export (at most DIRECT_EXPORT_LIMIT rows) as it is read from Postgres, and GET
// /exports/<id>/file serves a file a jobs.export job wrote. Both are authenticated as tRPC requests
// are (Authorization: Bearer, or the dashboard's session cookie), and both leave an audit row.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { hasRole, redactText } from '@jobdeck/workflows';
import { DomainError } from '@jobdeck/workflows/control';
import {
  exportsDir,
  FORMAT_FILES,
  streamSink,
  TEXT_FORMATS,
  writeTextExport,
  writeXlsxExport,
  type ExportRequest,
} from '@jobdeck/workflows/export';
import { DIRECT_EXPORT_LIMIT } from '@jobdeck/workflows/vocabulary';
import { recordAudit } from '../audit/service';
import { sessionCookieToken } from '../auth/session-cookie';
import { bearerToken, type Principal } from '../auth/tokens';
import { clientAddress } from '../client-address';
import type { Services } from '../services';
import { mayRead, ticketCodec } from './service';

const FILE_ROUTE = /^\/exports\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/file$/;

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: message }));
}

/** The caller, as tRPC knows them: the bearer token, else the session cookie. */
async function authenticate(services: Services, req: IncomingMessage): Promise<Principal> {
  const token = bearerToken(req.headers.authorization) ?? sessionCookieToken(req.headers.cookie);
  if (!token) throw new Refusal(401, 'sign in or send Authorization: Bearer <token>');
  const principal = await services.tokens.authenticate(token).catch((error: unknown) => {
    services.outages.note(error);
    throw new Refusal(503, 'cannot check credentials right now; try again shortly');
  });
  if (!principal) throw new Refusal(401, 'the token is unknown, expired or revoked');
  if (!hasRole(principal.role, 'viewer')) throw new Refusal(403, `requires the viewer role; you are ${principal.role}`);
  return principal;
}

function attachment(res: ServerResponse, name: string, contentType: string, length?: number): void {
  res.writeHead(200, {
    'Content-Type': contentType,
    // The name is ours (a date or an export id), never caller text.
    'Content-Disposition': `attachment; filename="${name}"`,
    'Access-Control-Expose-Headers': 'Content-Disposition',
    ...(length !== undefined ? { 'Content-Length': String(length) } : {}),
  });
}

/** Answers /exports/* and returns true; false for any other path. */
export async function serveExports(services: Services, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://api');
  const file = FILE_ROUTE.exec(url.pathname);
  if (url.pathname !== '/exports/download' && !file) {
    if (!url.pathname.startsWith('/exports/')) return false;
    refuse(res, 404, `no route ${url.pathname}`);
    return true;
  }
  // HEAD answers what GET would, without the file and without an audit row: the dashboard checks a
  // link with it before handing it to the browser, which then saves the GET's answer as it arrives.
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    refuse(res, 405, 'downloads are GET requests');
    return true;
  }
  const head = req.method === 'HEAD';
  const ip = clientAddress(services.config.trustedProxies)(req);
  let principal: Principal;
  try {
    principal = await authenticate(services, req);
  } catch (error) {
    if (error instanceof Refusal) refuse(res, error.status, error.message);
    else throw error;
    return true;
  }
  const audit = (action: string, target: string | null, params: object | null) =>
    recordAudit(services, { principal, ip, action, target, params });
  try {
    if (file) await serveFile(services, principal, file[1]!, res, head ? null : audit);
    else await serveDirect(services, principal, url.searchParams.get('ticket') ?? '', res, head ? null : audit);
  } catch (error) {
    if (error instanceof Refusal) refuse(res, error.status, error.message);
    else if (error instanceof DomainError) refuse(res, error.code === 'TIMEOUT' ? 504 : 400, error.message);
    else if (res.headersSent) {
      // Mid-stream: the download ends short, and the browser says it failed (no silent truncation).
      console.error(`export download: ${redactText(String((error as Error).message))}`);
      res.destroy();
    } else throw error;
  }
  return true;
}

type Audit = (
  action: string,
  target: string | null,
  params: object | null,
) => Promise<{ done(outcome: string, error?: string): Promise<void> }>;

/** `audit` null: a HEAD request, answered with the headers only. */
async function serveDirect(
  services: Services,
  principal: Principal,
  text: string,
  res: ServerResponse,
  audit: Audit | null,
) {
  if (!text) throw new Refusal(400, 'ticket: missing; ask exports.create for a download link');
  const ticket = ticketCodec(services).open(text);
  if (ticket.tokenId !== principal.tokenId)
    throw new Refusal(403, 'this download link was made for someone else (or another session): export again');
  if (ticket.expiresAt < Date.now()) throw new Refusal(410, 'this download link has expired: export again');
  const request: ExportRequest = ticket.request;
  const files = FORMAT_FILES[request.format];
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  if (!audit) {
    attachment(res, `jobs-${stamp}.${files.extension}`, files.contentType);
    res.end();
    return;
  }
  const entry = await audit('exports.download', `${request.format} export`, {
    search: request.search,
    format: request.format,
    fields: request.fields,
    withInput: request.withInput,
    withLogs: request.withLogs,
  });
  attachment(res, `jobs-${stamp}.${files.extension}`, files.contentType);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    // At most the direct limit: a search that grew since the link was made is cut there, not run as a job.
    const limited = { maxRows: DIRECT_EXPORT_LIMIT };
    if (request.format === 'xlsx')
      await writeXlsxExport(services.sql, request, res, { signal: abort.signal, ...limited });
    else {
      await writeTextExport(services.sql, request, TEXT_FORMATS[request.format], streamSink(res), {
        signal: abort.signal,
        ...limited,
      });
      res.end();
    }
    await entry.done('ok');
  } catch (error) {
    await entry.done('error', abort.signal.aborted ? 'the download was closed before it ended' : 'the export failed');
    throw error;
  }
}

async function serveFile(
  services: Services,
  principal: Principal,
  id: string,
  res: ServerResponse,
  audit: Audit | null,
) {
  const row = await services.db.jobExport.findUnique({ where: { id } });
  // Someone else's export is missing to them, as in exports.get.
  if (!row || !mayRead(principal, row)) throw new Refusal(404, `no export ${id}`);
  if (row.state === 'expired' || (row.expiresAt && row.expiresAt <= new Date()))
    throw new Refusal(410, 'this export has expired and its file was deleted: export again');
  if (row.state !== 'completed' || !row.fileName)
    throw new Refusal(409, `this export is ${row.state}: its file is not ready`);
  const path = join(exportsDir(services.config.storageDir), row.fileName);
  const size = await stat(path).then(
    (info) => info.size,
    () => null,
  );
  if (size === null) throw new Refusal(410, 'this export file is no longer in storage: export again');
  const files = FORMAT_FILES[row.format];
  if (!audit) {
    attachment(res, `jobs-export-${row.id}.${files.extension}`, files.contentType, size);
    res.end();
    return;
  }
  const entry = await audit('exports.file', id, { format: row.format, rows: row.rows });
  attachment(res, `jobs-export-${row.id}.${files.extension}`, files.contentType, size);
  try {
    await pipeline(createReadStream(path), res);
    await entry.done('ok');
  } catch (error) {
    await entry.done('error', 'the download was closed before it ended');
    if (!res.destroyed) throw error;
  }
}
