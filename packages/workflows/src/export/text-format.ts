// CSV, JSON and NDJSON are text: a head, one piece per job, a tail. Kept apart from the writing so that
// an export resumed after a crash can write the rest of the same file (the head once, the separators
// right) from nothing but how many rows were already written.
import type { ExportRequest, ExportRow } from './fields';

export interface TextFormat {
  extension: string;
  contentType: string;
  head(request: ExportRequest): string;
  /** `index` is how many rows were written before this one (JSON's separators depend on it). */
  row(row: ExportRow, index: number, request: ExportRequest): string;
  tail(rows: number, request: ExportRequest): string;
}
