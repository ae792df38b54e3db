import { useId } from 'react';
import { useThemeStore, type ThemeChoice } from '../../state/theme-store.js';

const CHOICES: { value: ThemeChoice; label: string; help: string }[] = [
  { value: 'system', label: 'Match the system', help: 'Follows your operating system’s light or dark mode.' },
  { value: 'light', label: 'Light', help: '' },
  { value: 'dark', label: 'Dark', help: '' },
];

export function GeneralSettings() {
  const choice = useThemeStore((s) => s.choice);
  const setChoice = useThemeStore((s) => s.setChoice);
  const name = useId();
  return (
    <section className="card" aria-labelledby={`${name}-title`}>
      <h2 id={`${name}-title`} className="card-title">
        Appearance
      </h2>
      <fieldset className="radio-group">
        <legend className="field-label">Theme</legend>
        {CHOICES.map((c) => (
          <label key={c.value} className="radio">
            <input type="radio" name={name} value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} />
            <span>
              {c.label}
              {c.help ? <span className="field-help"> — {c.help}</span> : null}
            </span>
          </label>
        ))}
      </fieldset>
    </section>
  );
}
