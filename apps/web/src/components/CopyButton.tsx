import { useEffect, useState } from 'react';

/** navigator.clipboard needs a secure context; plain http on a LAN address falls back to execCommand. */
async function copy(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // permission refused: try the old way
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 2_000);
    return () => clearTimeout(timer);
  }, [status]);
  return (
    <button
      type="button"
      className="button button-small"
      onClick={() =>
        copy(text).then(
          () => setStatus('copied'),
          () => setStatus('failed'),
        )
      }
      aria-live="polite"
    >
      {status === 'copied' ? 'Copied' : status === 'failed' ? 'Select and copy' : label}
    </button>
  );
}
