// Where an export's bytes go, written with backpressure: the next page is not read from Postgres
// before the previous one has left (to the browser, or to the file), so memory stays flat whatever
// the number of rows.
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

export interface ExportSink {
  write(chunk: string): Promise<void>;
}

/** Resolves once `out` wants more (at once when it does already); rejects when it closed or failed first. */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('the export output was closed before the export ended'));
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain).off('close', onClose).off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the export output was closed before the export ended'));
    out.on('drain', onDrain).on('close', onClose).on('error', done);
  });
}

/** A stream (an HTTP response): each write waits for the stream to drain when its buffer is full. */
export function streamSink(out: Writable): ExportSink {
  return {
    async write(chunk) {
      if (!chunk) return;
      if (out.destroyed) throw new Error('the export output was closed before the export ended');
      if (!out.write(chunk)) await drained(out);
    },
  };
}

/** A file: each write has reached the operating system when it resolves, so a checkpoint after it is true. */
export function fileSink(handle: FileHandle): ExportSink {
  return {
    async write(chunk) {
      if (chunk) await handle.appendFile(chunk); // opened for appending: every write lands at the end
    },
  };
}
