import { type ReactNode, useId } from 'react';
import { InlineMarkdown } from '../components/markdown.tsx';
import {
  type FormField,
  type FormModel,
  type FormValues,
  optionValue,
} from '../lib/schema-form.ts';

function Field({
  field,
  value,
  error,
  onChange,
  idPrefix,
}: {
  field: FormField;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  idPrefix: string;
}) {
  const id = `${idPrefix}-${field.name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.description ? hintId : null, error ? errorId : null]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    name: field.name,
    'aria-invalid': error ? true : undefined,
    'aria-required': field.required || undefined,
    'aria-describedby': describedBy || undefined,
  } as const;

  let control: ReactNode;
  switch (field.kind) {
    case 'boolean':
      control = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'Choose…' : 'Not set'}</option>
          <option value="true">Yes (true)</option>
          <option value="false">No (false)</option>
        </select>
      );
      break;
    case 'select':
      control = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{field.required ? 'Choose…' : field.placeholder || 'Not set'}</option>
          {field.options.map((option) => (
            <option key={optionValue(option)} value={optionValue(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
    case 'integer':
      control = (
        <input
          {...common}
          type="number"
          step={field.kind === 'integer' ? 1 : 'any'}
          min={field.minimum ?? undefined}
          max={field.maximum ?? undefined}
          placeholder={field.placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case 'list':
    case 'json':
      control = (
        <textarea
          {...common}
          className={field.kind === 'json' ? 'mono' : undefined}
          rows={field.kind === 'json' ? 4 : 3}
          placeholder={
            field.kind === 'list'
              ? `One ${field.itemKind === 'string' ? 'value' : 'number'} per line`
              : field.placeholder || 'JSON'
          }
          value={value}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      control = field.multiline ? (
        <textarea
          {...common}
          rows={4}
          placeholder={field.placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          placeholder={field.placeholder}
          value={value}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }

  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>
        {field.label}
        {field.required ? <span className="required"> (required)</span> : null}
        <span className="muted small"> {field.name}</span>
      </label>
      {control}
      {field.description ? (
        <p id={hintId} className="hint">
          <InlineMarkdown text={field.description} />
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {field.label} {error}
        </p>
      ) : null}
    </div>
  );
}

/** The inputs of a form built by `formFromSchema`. */
export function SchemaFields({
  model,
  values,
  errors,
  onChange,
}: {
  model: FormModel;
  values: FormValues;
  errors: Record<string, string>;
  onChange: (values: FormValues) => void;
}) {
  const idPrefix = useId();
  if (model.fields.length === 0) {
    return <p className="muted">This tool takes no arguments.</p>;
  }
  return (
    <div className="schema-fields">
      {model.fields.map((field) => (
        <Field
          key={field.name}
          field={field}
          idPrefix={idPrefix}
          value={values[field.name] ?? ''}
          error={errors[field.name]}
          onChange={(value) => onChange({ ...values, [field.name]: value })}
        />
      ))}
    </div>
  );
}
