import { issuesOf, messageOf, type Issue } from '../lib/errors';

/**
 * A refused form's errors by field: `fieldOf` places each issue (by default the first element of
 * its path) and `describe` words it; what no field takes, or a refusal without issues, is `form`'s.
 */
export function errorsByField<F extends string = string>(
  error: unknown,
  fieldOf: (issue: Issue) => F | 'form' = (issue) => (issue.path[0] ?? 'form') as F,
  describe: (issue: Issue) => string = (issue) => issue.message,
): Partial<Record<F | 'form', string[]>> {
  const found: Partial<Record<F | 'form', string[]>> = {};
  for (const issue of issuesOf(error)) (found[fieldOf(issue)] ??= []).push(describe(issue));
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
