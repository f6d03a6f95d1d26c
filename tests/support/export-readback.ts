// Export files read back by real parsers: csv-parse for CSV, JSON.parse for JSON and NDJSON, exceljs
// for xlsx. Each format comes back as rows of field → value, so one test can compare them all.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

export type Parsed = Array<Record<string, unknown>>;

/** Every format back as rows of field → value (input and logs parsed from their JSON text where they are text). */
export async function readBack(
  format: 'csv' | 'json' | 'ndjson' | 'xlsx',
  body: Buffer,
): Promise<{ rows: Parsed; text: string }> {
  if (format === 'csv') {
    const rows = parse(body, { columns: true, bom: true, relax_quotes: false }) as Parsed;
    return { rows, text: body.toString('utf8') };
  }
  if (format === 'json') return { rows: JSON.parse(body.toString('utf8')) as Parsed, text: body.toString('utf8') };
  if (format === 'ndjson')
    return {
      rows: body
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
      text: body.toString('utf8'),
    };
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheetRows = (name: string): Parsed => {
    const sheet = workbook.getWorksheet(name);
    if (!sheet) return [];
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Parsed = [];
    sheet.eachRow((row, number) => {
      if (number === 1) return;
      const values = (row.values as unknown[]).slice(1);
      rows.push(Object.fromEntries(header.map((name, index) => [name, values[index] ?? null])));
    });
    return rows;
  };
  const all: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => all.push(JSON.stringify(row.values))));
  const logs = sheetRows('Logs');
  const rows = sheetRows('Jobs').map((row) => ({
    ...row,
    ...(logs.length ? { logs: logs.filter((log) => log.jobId === row.id) } : {}),
  }));
  return { rows, text: all.join('\n'), summary: workbook.getWorksheet('Summary') } as never;
}
