import { useState } from 'react';
import { messageOf } from '../../lib/errors';
import { useToast } from '../toasts/Toasts';
import { downloadFile } from './download';

/** A finished export's file: fetched with the session and saved by the browser. */
export function DownloadButton({ url, testId = 'export-download' }: { url: string; testId?: string }) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const download = () => {
    setBusy(true);
    downloadFile(url)
      .catch((error: unknown) => toast.push({ tone: 'error', title: 'Could not download', body: messageOf(error) }))
      .finally(() => setBusy(false));
  };
  return (
    <button type="button" className="button button-small" onClick={download} disabled={busy} data-testid={testId}>
      {busy ? 'Downloading…' : 'Download'}
    </button>
  );
}
