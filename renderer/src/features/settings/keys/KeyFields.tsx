import type { ProviderSpec } from '../../../../../shared/providers/registry.js';
import { Field, type FieldRenderProps } from '../../../ui/Field.js';
import { baseUrlProblem, type OptionFields } from './key-form.js';

/** Base URL (or Azure endpoint / local server address), prefilled with the provider's default. */
export function BaseUrlField({
  spec,
  value,
  onChange,
  touched,
  onBlur,
  onReset,
}: {
  spec: ProviderSpec;
  value: string;
  onChange(v: string): void;
  touched: boolean;
  onBlur(): void;
  onReset?: () => void;
}) {
  const problem = touched ? baseUrlProblem(spec, value) : null;
  const label = spec.id === 'azure' ? 'Endpoint' : spec.defaultBaseUrl === null ? 'Server address' : 'Base URL';
  const help =
    spec.id === 'azure'
      ? 'From Keys and Endpoint in the Azure portal, like https://my-resource.openai.azure.com.'
      : spec.defaultBaseUrl === null
        ? 'The OpenAI-compatible address of your server; it usually ends in /v1.'
        : 'Change it only to go through a proxy or gateway.';
  return (
    <Field label={label} help={help} error={problem}>
      {(props) => (
        <div className="input-with-actions">
          <input
            {...props}
            className="input input-mono"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder={spec.id === 'azure' ? 'https://my-resource.openai.azure.com' : spec.defaultBaseUrl ?? 'http://127.0.0.1:11434/v1'}
            value={value}
            onChange={(e) => onChange(e.currentTarget.value)}
            onBlur={onBlur}
          />
          {onReset ? (
            <button type="button" className="btn btn-ghost btn-sm" onClick={onReset}>
              Use default
            </button>
          ) : null}
          {spec.baseUrlSuggestions?.length ? (
            <div className="suggestions" role="group" aria-label="Common local servers">
              {spec.baseUrlSuggestions.map((s) => (
                <button
                  key={s.url}
                  type="button"
                  className={`chip ${value.trim() === s.url ? 'is-selected' : ''}`}
                  aria-pressed={value.trim() === s.url}
                  onClick={() => onChange(s.url)}
                >
                  {s.label}
                </button>
              ))}
            </div>
          ) : null}
        </div>
      )}
    </Field>
  );
}

/** Azure deployment + API version, OpenAI organization: only the fields the provider has. */
export function ProviderOptionFields({
  spec,
  fields,
  onChange,
  problems,
}: {
  spec: ProviderSpec;
  fields: OptionFields;
  onChange(next: OptionFields): void;
  problems: Partial<Record<keyof OptionFields, string>>;
}) {
  const deployment = spec.fields.includes('deployment') ? (
    <Field
      label="Deployment"
      help="Its name in Azure AI Foundry. Testing the key sends this deployment one chat request of at most 1 token (a fraction of a cent), so a wrong name shows now rather than at your first chat."
      error={problems.deployment ?? null}
    >
      {(props) => <OptionInput {...props} name="deployment" fields={fields} onChange={onChange} placeholder="gpt-4o-mini" />}
    </Field>
  ) : null;
  const apiVersion = spec.fields.includes('apiVersion') ? (
    <Field label="API version" help="The api-version parameter." error={problems.apiVersion ?? null}>
      {(props) => <OptionInput {...props} name="apiVersion" fields={fields} onChange={onChange} mono />}
    </Field>
  ) : null;
  const organization = spec.fields.includes('organization') ? (
    <Field label="Organization ID" optional help="Only if your account belongs to several organizations (org-…).">
      {(props) => <OptionInput {...props} name="organization" fields={fields} onChange={onChange} placeholder="org-…" mono />}
    </Field>
  ) : null;
  return (
    <>
      {deployment && apiVersion ? (
        <div className="field-row">
          {deployment}
          {apiVersion}
        </div>
      ) : (
        <>
          {deployment}
          {apiVersion}
        </>
      )}
      {organization}
    </>
  );
}

/** One provider-specific text field: identifiers, so no autocomplete or spell check. */
function OptionInput({
  name,
  fields,
  onChange,
  mono = false,
  ...props
}: FieldRenderProps & { name: keyof OptionFields; fields: OptionFields; onChange(next: OptionFields): void; mono?: boolean; placeholder?: string }) {
  return (
    <input
      {...props}
      className={mono ? 'input input-mono' : 'input'}
      autoComplete="off"
      spellCheck={false}
      value={fields[name]}
      onChange={(e) => onChange({ ...fields, [name]: e.currentTarget.value })}
    />
  );
}
