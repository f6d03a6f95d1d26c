import { JOB_STATES, PRIORITIES } from '@jobdeck/workflows/vocabulary';
import { FieldError } from '../../components/FormErrors';
import { errorAttributes, errorIdOf } from '../../components/TextField';
import { stateLabel } from '../../lib/states';
import { trpc } from '../../trpc';
import { DraftInput } from './DraftInput';
import { MultiSelect } from './MultiSelect';
import { NumberRangeField, TimeRangeField } from './RangeFields';
import type { SearchErrors } from './search-errors';
import { narrows } from './search-params';
import type { JobSearch, ListKey } from './search-types';
import { SortPicker } from './SortPicker';

interface Props {
  search: JobSearch;
  onChange: (next: JobSearch) => void;
  errors: SearchErrors;
  formId: string;
}

/** The type and queue names there are jobs of, for the pickers. */
function useNames() {
  const stats = trpc.jobs.stats.useQuery(undefined, { staleTime: 60_000 });
  return {
    types: stats.data?.types.map((group) => group.name) ?? [],
    queues: stats.data?.queues.map((group) => group.name) ?? [],
  };
}

/** Every filter of a search but the free text; each change is committed at once (Enter or leaving a text field). */
export function SearchFilters({ search, onChange, errors, formId }: Props) {
  const names = useNames();
  const set = <K extends keyof JobSearch>(key: K, value: JobSearch[K] | undefined) => {
    const next = { ...search };
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete next[key];
    else next[key] = value;
    onChange(next);
  };
  const lists: Array<{
    key: ListKey;
    label: string;
    options: ReadonlyArray<string | { value: string; label: string }>;
  }> = [
    { key: 'states', label: 'State', options: JOB_STATES.map((state) => ({ value: state, label: stateLabel(state) })) },
    { key: 'types', label: 'Type', options: names.types },
    { key: 'queues', label: 'Queue', options: names.queues },
    { key: 'priorities', label: 'Priority', options: PRIORITIES },
  ];
  const text = (key: 'requestedBy' | 'scheduleId', label: string, placeholder: string) => (
    <label className="field">
      <span>{label}</span>
      <DraftInput
        value={search[key] ?? ''}
        commit={(value) => set(key, value.trim() || undefined)}
        placeholder={placeholder}
        data-testid={`search-${key}`}
        {...errorAttributes(errors, formId, key)}
      />
      <FieldError errors={errors} field={key} id={errorIdOf(formId, key)} />
    </label>
  );
  const range = { errors, formId };

  return (
    <div className="search-filters" data-testid="search-filters">
      <div className="search-filter-row">
        {lists.map(({ key, label, options }) => (
          <div key={key}>
            <MultiSelect
              label={label}
              options={options}
              chosen={search[key] ?? []}
              onChange={(next) => set(key, next)}
              testId={`search-${key}`}
              {...(errors[key]?.length ? { invalid: true, describedBy: errorIdOf(formId, key) } : {})}
            />
            <FieldError errors={errors} field={key} id={errorIdOf(formId, key)} />
          </div>
        ))}
        {text('requestedBy', 'Requested by', 'email, or token:name')}
        {text('scheduleId', 'Schedule', 'schedule id')}
        <label className="field">
          <span>Error</span>
          <select
            value={search.hasError === undefined ? '' : search.hasError ? 'yes' : 'no'}
            onChange={(event) => set('hasError', event.target.value ? event.target.value === 'yes' : undefined)}
            data-testid="search-hasError"
          >
            <option value="">any</option>
            <option value="yes">has an error</option>
            <option value="no">no error</option>
          </select>
        </label>
      </div>
      <details className="search-more" open={hasRanges(search) || hasRangeErrors(errors)}>
        <summary>Times, durations and attempts</summary>
        <div className="search-filter-row">
          <TimeRangeField
            field="created"
            label="Created"
            value={search.created}
            onChange={(v) => set('created', v)}
            {...range}
          />
          <TimeRangeField
            field="started"
            label="Started"
            value={search.started}
            onChange={(v) => set('started', v)}
            {...range}
          />
          <TimeRangeField
            field="finished"
            label="Finished"
            value={search.finished}
            onChange={(v) => set('finished', v)}
            {...range}
          />
          <NumberRangeField
            field="runMs"
            label="Run time"
            value={search.runMs}
            onChange={(v) => set('runMs', v)}
            {...range}
          />
          <NumberRangeField
            field="waitMs"
            label="Wait time"
            value={search.waitMs}
            onChange={(v) => set('waitMs', v)}
            {...range}
          />
          <NumberRangeField
            field="attempts"
            label="Attempts"
            value={search.attempts}
            onChange={(v) => set('attempts', v)}
            {...range}
          />
        </div>
      </details>
      <div className="search-filter-row search-filter-foot">
        <SortPicker search={search} onChange={onChange} />
        <label className="checkbox" title="Failed originals replaced by a retry with changes">
          <input
            type="checkbox"
            checked={!!search.includeSuperseded}
            onChange={(event) => set('includeSuperseded', event.target.checked || undefined)}
            data-testid="search-superseded"
          />
          Show superseded
        </label>
        {narrows(search) && (
          <button
            type="button"
            className="button button-ghost button-small"
            onClick={() =>
              onChange({
                ...(search.sort ? { sort: search.sort } : {}),
                ...(search.order ? { order: search.order } : {}),
              })
            }
            data-testid="search-clear"
          >
            Clear filters
          </button>
        )}
      </div>
    </div>
  );
}

function hasRanges(search: JobSearch): boolean {
  return !!(search.created || search.started || search.finished || search.runMs || search.waitMs || search.attempts);
}

function hasRangeErrors(errors: SearchErrors): boolean {
  return (['created', 'started', 'finished', 'runMs', 'waitMs', 'attempts'] as const).some(
    (key) => errors[key]?.length,
  );
}
