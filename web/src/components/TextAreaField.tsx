import type { ReactNode, TextareaHTMLAttributes } from 'react';
import { FieldFrame } from './forms';

/** A labelled textarea with hint and error (the frame is forms.tsx's FieldFrame). */
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
  const length = typeof area.value === 'string' ? area.value.length : 0;
  const max = area.maxLength;
  return (
    <FieldFrame
      label={label}
      name={name}
      hint={hint}
      error={error}
      optional={optional}
      id={id}
      className={className}
      after={
        counter &&
        max &&
        length > max * 0.8 && (
          <p className="hint counter">
            {length.toLocaleString()} / {max.toLocaleString()} characters
          </p>
        )
      }
    >
      {(control) => <textarea {...control} {...area} />}
    </FieldFrame>
  );
}
