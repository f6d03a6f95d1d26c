/** The free-text syntax in a few lines, behind a small "?" next to the search box. */
export function SyntaxHelp() {
  return (
    <details className="syntax-help" data-testid="syntax-help">
      <summary aria-label="Search syntax">Syntax</summary>
      <div className="syntax-help-body" role="note">
        <ul className="plain-list">
          <li>
            <code>timeout smtp</code> all words, anywhere: the id, type, input, error and requested-by (case does not
            matter)
          </li>
          <li>
            <code>"connection refused"</code> a phrase, as written
          </li>
          <li>
            <code>error:refused</code> <code>type:report</code> <code>by:alice</code> <code>id:</code>{' '}
            <code>input:</code> only in that field
          </li>
          <li>
            <code>-staging</code> jobs without it
          </li>
        </ul>
        <p className="small muted">
          Each term needs at least 3 characters. Secret fields of the input are never searched.
        </p>
      </div>
    </details>
  );
}
