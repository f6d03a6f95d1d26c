// NDJSON: one job object per line, its logs as a `logs` array in it; no head, no tail, so that a
// reader may process it line by line however large it is.
import { rowObject } from './fields';
import type { TextFormat } from './text-format';

export const ndjsonFormat: TextFormat = {
  extension: 'ndjson',
  contentType: 'application/x-ndjson; charset=utf-8',
  head: () => '',
  row: (row, _index, request) => `${JSON.stringify(rowObject(row, request))}\n`,
  tail: () => '',
};
