import './JobSample.css';

/** The ids an action would touch, folded: "the first 20 of 130" or "the 3 jobs". */
export function JobSample({ ids, count }: { ids: string[]; count: number }) {
  if (!ids.length) return null;
  return (
    <details className="sample">
      <summary>
        {ids.length < count ? `the first ${ids.length} of ${count}` : `the ${count} job${count === 1 ? '' : 's'}`}
      </summary>
      <ul className="sample-list mono" data-testid="dialog-sample">
        {ids.map((id) => (
          <li key={id}>{id}</li>
        ))}
      </ul>
    </details>
  );
}
