/** Label–value rows, as a job's timings and a flow's facts show them. */
export function FactList({ rows, testId }: { rows: Array<[label: string, value: string]>; testId: string }) {
  return (
    <dl className="facts" data-testid={testId}>
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
