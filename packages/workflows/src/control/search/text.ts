// The free-text part of a search (`q`), parsed once: jobs.search, the bulk actions and exports all
// read the same terms. The syntax is documented in the README ("Search").

/** What a term may be restricted to, and the record column each reads. */
export const SEARCH_FIELDS = {
  id: '"id"',
  type: '"type"',
  input: '"inputText"',
  error: '"error"',
  by: '"requestedBy"',
} as const;
export type SearchField = keyof typeof SEARCH_FIELDS;

export interface SearchTerm {
  /** The words to find, as given (matched without regard to case, anywhere in the field). */
  text: string;
  /** Only in this field; anywhere (id, type, requested-by, error, input) when absent. */
  field?: SearchField;
  /** The job must not contain it. */
  exclude: boolean;
}

/** Trigram indexes find a term of three characters or more; a shorter one would read every record. */
export const MIN_TERM_LENGTH = 3;
export const MAX_TERMS = 10;

// -?  field:?  "a phrase" | a-word
const TOKEN = /(-?)(?:([a-z]+):)?(?:"([^"]*)("?)|(\S+))/gi;

/** The terms of `q`, or the reason it cannot be searched (said so that the caller can fix it). */
export function parseSearchText(q: string): { terms: SearchTerm[] } | { problem: string } {
  const terms: SearchTerm[] = [];
  for (const match of q.matchAll(TOKEN)) {
    const [whole, minus, fieldName, phrase, closingQuote, word] = match;
    if (phrase !== undefined && closingQuote !== '"') return { problem: `a quote is not closed: ${whole}` };
    const bare = /^([a-z]+):$/i.exec(word ?? '')?.[1]?.toLowerCase();
    if (!fieldName && bare && bare in SEARCH_FIELDS) return { problem: `${bare}: needs something to find after it` };
    const field = fieldName?.toLowerCase();
    let text = (phrase ?? word ?? '').trim();
    let known: SearchField | undefined;
    if (field && field in SEARCH_FIELDS) known = field as SearchField;
    // `http://…` or `a:b` is a word with a colon in it, not a field.
    else if (fieldName) text = `${fieldName}:${phrase ?? word ?? ''}`.trim();
    if (!text) {
      if (known) return { problem: `${known}: needs something to find after it` };
      continue;
    }
    if (!minus && text.length < MIN_TERM_LENGTH)
      return {
        problem: `"${text}" is too short to search: each term needs at least ${MIN_TERM_LENGTH} characters (quote a phrase to search words together)`,
      };
    terms.push({ text, field: known, exclude: minus === '-' });
  }
  if (terms.length > MAX_TERMS) return { problem: `at most ${MAX_TERMS} terms` };
  return { terms };
}

/** A term as an ILIKE pattern that matches it anywhere, its own % _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
