import { issuesOf, messageOf } from '../lib/errors';

/** A refused form's errors by field (the first element of each issue's path); `form` for the rest. */
export function errorsByField(error: unknown): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const issue of issuesOf(error)) (found[issue.path[0] ?? 'form'] ??= []).push(issue.message);
  if (error && !Object.keys(found).length) found.form = [messageOf(error)];
  return found;
}

/** The messages of one field, linked to its input by id (aria-describedby). */
export function FieldError({
  errors,
  field,
  id,
}: {
  errors: Partial<Record<string, string[]>>;
  field: string;
  id: string;
}) {
  if (!errors[field]?.length) return null;
  return (
    <ul className="field-errors" id={id} data-testid={`field-error-${field}`}>
      {errors[field]!.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/** Only admins get to admin pages; anyone else is told so rather than shown a 403. */
export function AdminOnly({ title }: { title: string }) {
  return (
    <div className="page">
      <div className="page-header">
        <h1>{title}</h1>
      </div>
      <p className="note" data-testid="admin-only">
        This page is for admins; you are signed in with another role.
      </p>
    </div>
  );
}
