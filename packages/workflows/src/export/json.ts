// JSON: one array of job objects, one per line, each job's logs nested in it as `logs`.
import { rowObject } from './fields';
import type { TextFormat } from './text-format';

export const jsonFormat: TextFormat = {
  extension: 'json',
  contentType: 'application/json; charset=utf-8',
  head: () => '[\n',
  row: (row, index, request) => `${index ? ',\n' : ''}${JSON.stringify(rowObject(row, request))}`,
  tail: (rows) => `${rows ? '\n' : ''}]\n`,
};
