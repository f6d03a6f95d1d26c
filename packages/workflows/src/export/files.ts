// Where export files live (storage's exports folder, shared by the worker that writes them and the API
// that serves them) and their clean-up once their link expired.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '@jobdeck/db';
import type { ExportFormat } from '../runtime/search-vocabulary';

/** How long a finished export's download link works, unless JOBDECK_EXPORT_DOWNLOAD_HOURS says otherwise. */
export const EXPORT_DOWNLOAD_HOURS = 24;

export function exportsDir(storageDir: string): string {
  return join(storageDir, 'exports');
}

/** The file's name in the exports folder: made of the export's id (a UUID) only, never of caller text. */
export function exportFileName(exportId: string, format: ExportFormat): string {
  return `${exportId}.${format}`;
}

/**
 * Deletes the files of completed exports whose link has expired, and marks them expired (the row
 * stays: the Exports page and the audit trail still say who exported what). Returns how many.
 */
export async function deleteExpiredExports(
  deps: { db: Db; storageDir: string },
  now = new Date(),
): Promise<{ expired: number; filesDeleted: number }> {
  const due = await deps.db.jobExport.findMany({
    where: { state: 'completed', expiresAt: { lt: now } },
    select: { id: true, fileName: true, format: true },
  });
  let filesDeleted = 0;
  for (const item of due) {
    const name = item.fileName ?? exportFileName(item.id, item.format);
    await rm(join(exportsDir(deps.storageDir), name)).then(
      () => filesDeleted++,
      () => undefined,
    );
  }
  const { count } = await deps.db.jobExport.updateMany({
    where: { id: { in: due.map((item) => item.id) }, state: 'completed' },
    data: { state: 'expired' },
  });
  return { expired: count, filesDeleted };
}
