import { useId, type ReactNode, type TextareaHTMLAttributes } from 'react';

/** A labelled textarea with hint and error, like TextField in forms.tsx. */
export function TextAreaField({
  label,
  name,
  hint,
  error,
  optional,
  id,
  className,
  counter,
  ...area
}: {
  label: ReactNode;
  name: string;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  /** Show "n / max characters" under the field once the text is long. */
  counter?: boolean;
} & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const autoId = useId();
  const areaId = id ?? `${autoId}-${name}`;
  const hintId = `${areaId}-hint`;
  const errorId = `${areaId}-error`;
  const length = typeof area.value === 'string' ? area.value.length : 0;
  const max = area.maxLength;
  return (
    <div className={['field', error ? 'has-error' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={areaId}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <textarea
        id={areaId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined}
        {...area}
      />
      {counter && max && length > max * 0.8 && (
        <p className="hint counter">
          {length.toLocaleString()} / {max.toLocaleString()} characters
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error.charAt(0).toUpperCase() + error.slice(1)}
        </p>
      )}
    </div>
  );
}
