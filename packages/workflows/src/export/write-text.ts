// Writes a text export (CSV, JSON, NDJSON) page by page, and says after each page how far it got: the
// rows and bytes written and the search position after them. An export resumed from such a progress
// (the file cut back to its bytes) continues with the next job, writing each job exactly once.
import type { Sql } from '@jobdeck/db';
import type { SearchPosition } from '../control/search/query';
import type { ExportRequest } from './fields';
import type { ExportSink } from './sink';
import { exportPages } from './source';
import type { TextFormat } from './text-format';

export interface ExportProgress {
  rows: number;
  bytes: number;
  /** Where the next page begins; null before the first page, or once `scanned`. */
  position: SearchPosition | null;
  /** Every matching job is written: only the tail is left. */
  scanned: boolean;
}

export const NO_PROGRESS: ExportProgress = { rows: 0, bytes: 0, position: null, scanned: false };

export async function writeTextExport(
  sql: Sql,
  request: ExportRequest,
  format: TextFormat,
  sink: ExportSink,
  options: {
    resume?: ExportProgress;
    onPage?: (progress: ExportProgress) => Promise<void>;
    signal?: AbortSignal;
    /** Stop after this many rows (a direct download's limit). */
    maxRows?: number;
  } = {},
): Promise<ExportProgress> {
  const progress = { ...(options.resume ?? NO_PROGRESS) };
  const write = async (text: string) => {
    await sink.write(text);
    progress.bytes += Buffer.byteLength(text);
  };
  if (!options.resume) await write(format.head(request));
  if (!progress.scanned) {
    for await (const page of exportPages(sql, request, {
      after: progress.position,
      maxRows: options.maxRows === undefined ? undefined : options.maxRows - progress.rows,
    })) {
      options.signal?.throwIfAborted();
      // One write per page: fewer, larger writes, and the page is what a checkpoint covers.
      let text = '';
      for (const [offset, row] of page.rows.entries()) text += format.row(row, progress.rows + offset, request);
      await write(text);
      progress.rows += page.rows.length;
      progress.position = page.next;
      progress.scanned = page.next === null;
      await options.onPage?.({ ...progress });
    }
    progress.scanned = true;
  }
  await write(format.tail(progress.rows, request));
  return progress;
}
