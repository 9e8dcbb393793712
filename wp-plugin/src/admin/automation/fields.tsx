import { CheckboxControl, SelectControl, TextControl } from '@wordpress/components';

/** The form's state shared by its fields: refused fields' messages by path, and whether the user may change them. */
export interface FieldContext {
  errors: Record<string, string>;
  disabled: boolean;
  labels: Record<string, string>;
}

const fieldId = (path: string) => `igny8-automation-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** A refused field's message, under the field (the form's error notice, which takes focus, says the form failed). */
export function FieldError({ path, message }: { path: string; message: string | undefined }) {
  if (!message) {
    return null;
  }
  return (
    <p id={`${fieldId(path)}-error`} className="igny8-automation__field-error">
      {message}
    </p>
  );
}

const invalidProps = (path: string, error: string | undefined) =>
  error ? { 'aria-invalid': true, 'aria-describedby': `${fieldId(path)}-error` } : {};

interface FieldProps<T> {
  path: string;
  context: FieldContext;
  value: T;
  onChange: (value: T) => void;
  help?: string | undefined;
}

/** A whole number; empty is null (no cap, or "needs a value", which the server then says). */
export function NumberField({
  path,
  context,
  value,
  onChange,
  help,
  min,
  max,
  placeholder,
}: FieldProps<number | null> & { min: number; max: number; placeholder?: string }) {
  const error = context.errors[path];
  return (
    <div className="igny8-automation__field">
      <TextControl
        type="number"
        label={context.labels[path] ?? path}
        value={value === null || Number.isNaN(value) ? '' : String(value)}
        min={min}
        max={max}
        step={1}
        placeholder={placeholder}
        help={help}
        disabled={context.disabled}
        onChange={(text: string) => onChange(text.trim() === '' ? null : Number(text))}
        {...invalidProps(path, error)}
      />
      <FieldError path={path} message={error} />
    </div>
  );
}

/** A time of day, HH:MM. */
export function TimeField({ path, context, value, onChange, help }: FieldProps<string>) {
  const error = context.errors[path];
  return (
    <div className="igny8-automation__field">
      <TextControl
        type="time"
        label={context.labels[path] ?? path}
        value={value}
        help={help}
        disabled={context.disabled}
        onChange={(text: string) => onChange(text)}
        {...invalidProps(path, error)}
      />
      <FieldError path={path} message={error} />
    </div>
  );
}

export function TextField({ path, context, value, onChange, help }: FieldProps<string>) {
  const error = context.errors[path];
  return (
    <div className="igny8-automation__field">
      <TextControl
        label={context.labels[path] ?? path}
        value={value}
        help={help}
        disabled={context.disabled}
        autoComplete="off"
        spellCheck={false}
        onChange={(text: string) => onChange(text)}
        {...invalidProps(path, error)}
      />
      <FieldError path={path} message={error} />
    </div>
  );
}

export function ChoiceField<T extends string>({
  path,
  context,
  value,
  onChange,
  help,
  options,
}: FieldProps<T> & { options: { value: T; label: string }[] }) {
  const error = context.errors[path];
  return (
    <div className="igny8-automation__field">
      <SelectControl
        label={context.labels[path] ?? path}
        value={value}
        options={options}
        help={help}
        disabled={context.disabled}
        onChange={(chosen: string) => onChange(chosen as T)}
        {...invalidProps(path, error)}
      />
      <FieldError path={path} message={error} />
    </div>
  );
}

export function CheckField({ path, context, value, onChange, help }: FieldProps<boolean>) {
  const error = context.errors[path];
  return (
    <div className="igny8-automation__field">
      <CheckboxControl
        label={context.labels[path] ?? path}
        checked={value}
        help={help}
        disabled={context.disabled}
        onChange={(checked: boolean) => onChange(checked)}
        {...invalidProps(path, error)}
      />
      <FieldError path={path} message={error} />
    </div>
  );
}

/** A plain on/off switch that the server never refuses on its own (a stage, for instance). */
export function CheckboxRow({
  label,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <div className="igny8-automation__field">
      <CheckboxControl label={label} checked={checked} disabled={disabled} onChange={onChange} />
    </div>
  );
}
