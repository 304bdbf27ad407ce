import { useId, type ReactNode } from 'react';

/** A fieldset of radio buttons, each with an optional hint. */
export function RadioGroup<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
}: {
  legend: ReactNode;
  name: string;
  value: T;
  options: readonly { value: T; label: ReactNode; hint?: ReactNode }[];
  onChange: (value: T) => void;
}) {
  const ids = useId();
  return (
    <fieldset className="field radio-group">
      <legend>{legend}</legend>
      <div className="checkbox-options">
        {options.map((option) => (
          <div className="checkbox" key={option.value}>
            <input
              type="radio"
              id={`${ids}-${option.value}`}
              name={name}
              checked={value === option.value}
              aria-describedby={option.hint ? `${ids}-${option.value}-hint` : undefined}
              onChange={() => onChange(option.value)}
            />
            <label htmlFor={`${ids}-${option.value}`}>
              {option.label}
              {option.hint && (
                <span id={`${ids}-${option.value}-hint`} className="hint">
                  {option.hint}
                </span>
              )}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
