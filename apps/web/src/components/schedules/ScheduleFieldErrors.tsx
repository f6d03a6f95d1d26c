import type { ScheduleErrors, ScheduleField } from './schedule-draft';

export function ScheduleFieldErrors({ errors, field }: { errors: ScheduleErrors; field: ScheduleField }) {
  const list = errors[field];
  if (!list?.length) return null;
  return (
    <ul className="field-errors" data-testid={`schedule-error-${field}`}>
      {list.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
