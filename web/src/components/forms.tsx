import {
  useEffect,
  useId,
  useRef,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from 'react';
import { ApiError, toApiError } from '../api/client';

function sentence(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

interface FieldProps {
  label: ReactNode;
  name: string;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
}

/** What a field's control needs to be tied to its label, hint and error. */
export interface ControlProps {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/**
 * The one frame every labelled field shares: label (with "optional"), hint, the control, and the
 * error tied to it by aria-describedby. `after` goes between the control and the error.
 */
export function FieldFrame({
  label,
  name,
  hint,
  error,
  optional,
  id,
  className,
  after,
  children,
}: FieldProps & { id?: string | undefined; className?: string | undefined; after?: ReactNode; children: (control: ControlProps) => ReactNode }) {
  const autoId = useId();
  const controlId = id ?? `${autoId}-${name}`;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  return (
    <div className={['field', error ? 'has-error' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={controlId}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {children({ id: controlId, name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy(hint ? hintId : false, error ? errorId : false) })}
      {after}
      {error && (
        <p id={errorId} className="field-error">
          {sentence(error)}
        </p>
      )}
    </div>
  );
}

export function TextField({ label, name, hint, error, optional, id, className, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} name={name} hint={hint} error={error} optional={optional} id={id} className={className}>
      {(control) => <input {...control} {...input} />}
    </FieldFrame>
  );
}

export function SelectField({ label, name, hint, error, optional, id, className, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame label={label} name={name} hint={hint} error={error} optional={optional} id={id} className={className}>
      {(control) => (
        <select {...control} {...select}>
          {children}
        </select>
      )}
    </FieldFrame>
  );
}

export interface CheckboxOption<T extends string> {
  value: T;
  label: ReactNode;
  hint?: ReactNode;
}

/** A fieldset of checkboxes; the legend labels the group and the error is tied to it. */
export function CheckboxGroup<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  hint,
  error,
  inline,
}: {
  legend: ReactNode;
  name: string;
  options: readonly CheckboxOption<T>[];
  value: readonly T[];
  onChange: (value: T[]) => void;
  hint?: ReactNode;
  error?: string | undefined;
  inline?: boolean;
}) {
  const autoId = useId();
  const hintId = `${autoId}-hint`;
  const errorId = `${autoId}-error`;
  return (
    <fieldset
      className={['field', 'checkbox-group', inline ? 'inline' : '', error ? 'has-error' : ''].join(' ').trim()}
      aria-describedby={describedBy(hint ? hintId : false, error ? errorId : false)}
      aria-invalid={error ? true : undefined}
    >
      <legend>{legend}</legend>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <div className="checkbox-options">
        {options.map((option) => {
          const optionId = `${autoId}-${option.value}`;
          const checked = value.includes(option.value);
          return (
            <div className="checkbox" key={option.value}>
              <input
                type="checkbox"
                id={optionId}
                name={name}
                value={option.value}
                checked={checked}
                aria-describedby={option.hint ? `${optionId}-hint` : undefined}
                onChange={(event) =>
                  onChange(
                    event.target.checked
                      ? options.map((o) => o.value).filter((v) => v === option.value || value.includes(v))
                      : value.filter((v) => v !== option.value),
                  )
                }
              />
              <label htmlFor={optionId}>
                {option.label}
                {option.hint && (
                  <span id={`${optionId}-hint`} className="hint">
                    {option.hint}
                  </span>
                )}
              </label>
            </div>
          );
        })}
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {sentence(error)}
        </p>
      )}
    </fieldset>
  );
}

/**
 * The alert region of a form. It is always in the page (empty when there is nothing to say) so
 * screen readers announce what appears in it. Field-level details are shown by the fields; the
 * ones no field claims are listed here.
 */
export function FormAlert({ error, fields = [] }: { error: ApiError | undefined; fields?: readonly string[] }) {
  let message: string | undefined;
  let extra: { field?: string | undefined; message: string }[] = [];
  if (error) {
    extra = error.unplacedDetails(fields);
    const placed = error.details.length - extra.length;
    message =
      error.code === 'validation_failed' && placed > 0 && extra.length === 0
        ? placed === 1
          ? 'Please correct the field marked below.'
          : 'Please correct the fields marked below.'
        : error.message;
  }
  return (
    <div className="form-alert" role="alert">
      {message && (
        <div className="alert alert-error">
          <p>{message}</p>
          {extra.length > 0 && (
            <ul>
              {extra.map((detail, i) => (
                <li key={i}>
                  {detail.field ? <code>{detail.field.replace(/^\//, '')}</code> : null}
                  {detail.field ? ': ' : null}
                  {detail.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** A polite live region for confirmations ("Password changed"). */
export function StatusMessage({ children, tone = 'success' }: { children?: ReactNode; tone?: 'success' | 'info' | 'warning' }) {
  return (
    <div className="status-region" role="status">
      {children ? <div className={`alert alert-${tone}`}>{children}</div> : null}
    </div>
  );
}

/** A client-side validation failure shaped like the server's, so one path shows both. */
export function localInvalid(field: string, message: string): ApiError {
  return new ApiError(0, 'validation_failed', message, [{ field: `/${field}`, message }]);
}

/**
 * Busy state and error for one form. `run` clears the error, awaits the action, and on failure
 * keeps the ApiError and moves focus to the first invalid field (or leaves the alert to speak).
 */
export function useSubmit() {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!error || error.details.length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]:not(fieldset), fieldset[aria-invalid="true"] input')?.focus();
  }, [error]);

  async function run<T>(action: () => Promise<T>, onSuccess?: (value: T) => void): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    try {
      const value = await action();
      setBusy(false);
      onSuccess?.(value);
      return true;
    } catch (reason) {
      setBusy(false);
      setError(toApiError(reason));
      return false;
    }
  }

  return {
    error,
    busy,
    run,
    formRef,
    setError,
    fieldError: (name: string) => error?.fieldError(name),
  };
}
