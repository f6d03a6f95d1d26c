import { useRef } from 'react';
import { FieldError } from '../../components/FormErrors';
import { errorIdOf } from '../../components/TextField';
import { DraftInput } from './DraftInput';
import type { SearchErrors } from './search-errors';
import { SyntaxHelp } from './SyntaxHelp';

const TYPING_MS = 500;

/**
 * The free text. Typing searches after a pause; the first pause of a burst of typing is a new history
 * entry and the ones after it refine that entry, so Back goes to the search before the typing.
 */
export function SearchBox({
  value,
  onChange,
  errors,
  formId,
}: {
  value: string;
  onChange: (q: string, options: { replace: boolean }) => void;
  errors: SearchErrors;
  formId: string;
}) {
  const typing = useRef(false);
  const invalid = !!errors.q?.length;
  return (
    <div className="search-box">
      <label className="field search-box-field">
        <span className="visually-hidden">Search jobs</span>
        <DraftInput
          type="search"
          value={value}
          debounceMs={TYPING_MS}
          commit={(text, how) => {
            onChange(text.trim(), { replace: how.typing && typing.current });
            typing.current = how.typing;
          }}
          placeholder='Search jobs: words, "a phrase", error:timeout, -staging'
          aria-invalid={invalid}
          aria-describedby={invalid ? errorIdOf(formId, 'q') : undefined}
          data-testid="search-q"
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <SyntaxHelp />
      <FieldError errors={errors} field="q" id={errorIdOf(formId, 'q')} />
    </div>
  );
}
