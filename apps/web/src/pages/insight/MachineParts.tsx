import type { ReactNode } from 'react';

/** A part of the machines panel whose source may be away: it says so, and why, instead of its figures. */
export function SourceSection({
  title,
  id,
  source,
  testId,
  children,
}: {
  title: string;
  id: string;
  source: { available: boolean; error: string | null };
  testId: string;
  children: ReactNode;
}) {
  return (
    <section className="machine-section" aria-labelledby={id} data-testid={testId} data-available={source.available}>
      <h3 id={id}>{title}</h3>
      {source.available ? (
        children
      ) : (
        <p className="notice-inline" role="status" data-testid="source-unavailable">
          unavailable: {source.error ?? 'no answer'}
        </p>
      )}
    </section>
  );
}
