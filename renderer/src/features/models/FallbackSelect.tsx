import type { ConversationTarget } from '../../db/schema.js';
import { Field } from '../../ui/Field.js';
import { keyTarget } from '../conversations/targets.js';
import { fallbackValue } from './fallbacks.js';
import type { PickerData } from './usePickerData.js';

/**
 * One optional fallback: the model that answers when the chosen one fails before its first word
 * (outage, rate limit, refused key). Each provider's models through its first key.
 */
export function FallbackSelect({ data, value, onChange, current }: { data: PickerData; value: string; onChange(value: string): void; current?: ConversationTarget }) {
  const groups = data.groups?.configured ?? [];
  const known = value === '' || value === 'system' || groups.some((g) => g.models.some((m) => fallbackValue(keyTarget(g.keys[0]!, m.id)) === value));
  return (
    <Field label="If it fails, try" optional help="Used only when the model above fails before it starts answering (outage, rate limit, refused key).">
      {(props) => (
        <select {...props} className="input" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">No fallback</option>
          {data.systemDefault?.available ? <option value="system">System default</option> : null}
          {!known && current ? <option value={value}>{current.kind === 'key' ? `${current.providerName} · ${current.modelName ?? current.model}` : 'System default'}</option> : null}
          {groups.map((g) =>
            g.models.length > 0 && g.keys[0] ? (
              <optgroup key={g.provider} label={g.name}>
                {g.models.map((m) => (
                  <option key={m.id} value={fallbackValue(keyTarget(g.keys[0]!, m.id))}>
                    {optionLabel(m, g.models)}
                  </option>
                ))}
              </optgroup>
            ) : null,
          )}
        </select>
      )}
    </Field>
  );
}

/**
 * A model's name; when a model listed before it has the same name (an alias, then its dated
 * snapshot), its id too, so no two options read alike. The first keeps the plain name.
 */
function optionLabel(model: { id: string; name: string }, siblings: readonly { id: string; name: string }[]): string {
  const earlier = siblings.slice(0, siblings.indexOf(model));
  return earlier.some((o) => o.name === model.name) ? `${model.name} (${model.id})` : model.name;
}
