/** A select's options: a value each, shown as itself or as its label. */
export function Options({ options }: { options: ReadonlyArray<string | { value: string; label: string }> }) {
  return options.map((option) => {
    const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
    return (
      <option key={value} value={value}>
        {label}
      </option>
    );
  });
}
