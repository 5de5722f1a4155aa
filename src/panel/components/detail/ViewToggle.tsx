/** The small Tree / Raw switch above a body, as a pair of toggle buttons. */
export function ViewToggle<T extends string>({ options, value, onChange, label }: { options: readonly [NoInfer<T>, string][]; value: T; onChange(v: T): void; label: string }) {
  return (
    <span class="dt-toggle" role="group" aria-label={label}>
      {options.map(([id, text]) => (
        <button type="button" key={id} aria-pressed={value === id} class={value === id ? "is-on" : ""} onClick={() => onChange(id)}>
          {text}
        </button>
      ))}
    </span>
  );
}
