import { ROLES } from '@jobdeck/workflows/vocabulary';
import type { Role } from '../../lib/permissions';
import { Options } from '../Options';
import { useFormId } from '../TextField';
import './Admin.css';

const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads everything, changes nothing',
  operator: 'enqueues, retries, cancels jobs; pauses queues',
  admin: 'everything, users, tokens and the audit log too',
};

/** The role select with a line saying what the chosen role may do. */
export function RoleField({
  id,
  role,
  onChange,
  disabled,
  testId,
}: {
  /** The form's id; inside FormFields, the form's. */
  id?: string;
  role: Role;
  onChange: (role: Role) => void;
  disabled?: boolean;
  testId: string;
}) {
  const formId = useFormId();
  const helpId = `${id ?? formId}-role-help`;
  return (
    <label className="field">
      <span>Role</span>
      <select
        value={role}
        onChange={(event) => onChange(event.target.value as Role)}
        disabled={disabled}
        aria-describedby={helpId}
        data-testid={testId}
      >
        <Options options={ROLES} />
      </select>
      <span className="field-note muted small" id={helpId}>
        {ROLE_HELP[role]}
      </span>
    </label>
  );
}

/** A user's or a token's role, coloured by how much it may do. */
export function RolePill({ role }: { role: string }) {
  return <span className={`role-pill role-${role}`}>{role}</span>;
}
