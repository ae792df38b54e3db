import { useEffect, useId, useMemo, useState } from 'react';
import { useNow } from '../../../hooks/useNow.js';
import { Button } from '../../../ui/Button.js';
import { isValidTimeZone, machineTimeZone } from '../../usage/date-range.js';
import { timeZoneOptions, utcOffsetLabel } from './limits-form.js';
import { useLimitSaver, type LimitsAnswer } from './LimitRow.js';

/**
 * The zone whose midnights start a new day and month for limits and the usage dashboard. A text
 * field with the platform's IANA list as suggestions: type "berl" and pick Europe/Berlin.
 */
export function TimeZoneCard({ timeZone, onSaved }: { timeZone: string | undefined; onSaved(answer: LimitsAnswer): void }) {
  const id = useId();
  const machine = machineTimeZone();
  const now = useNow(60_000);
  const [text, setText] = useState(timeZone ?? '');
  // Until the user types, the field follows the saved zone (it arrives after the first render).
  const [edited, setEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = useLimitSaver(onSaved);
  const options = useMemo(() => timeZoneOptions(timeZone ?? null, machine), [timeZone, machine]);
  const dirty = timeZone !== undefined && text.trim() !== timeZone;

  useEffect(() => {
    if (timeZone !== undefined && !edited) setText(timeZone);
  }, [timeZone, edited]);

  const apply = async (zone: string) => {
    const tz = zone.trim();
    if (!isValidTimeZone(tz) || tz === '') {
      setError(`“${tz}” is not a known IANA time zone. Pick one from the list, e.g. Europe/Berlin or America/New_York.`);
      return;
    }
    setBusy(true);
    const problem = await save({ timeZone: tz }, 'timeZone');
    setBusy(false);
    setError(problem);
    if (!problem) {
      setText(tz);
      setEdited(false);
    }
  };

  const localTime = (tz: string) => {
    try {
      return new Date(now).toLocaleTimeString(undefined, { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      return '';
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Time zone
      </h2>
      <p className="card-help">Daily limits reset at midnight and monthly caps on the 1st in this zone. The usage dashboard groups days by it too.</p>
      <form
        className="tz-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void apply(text);
        }}
      >
        <div className="field tz-field">
          <label htmlFor={`${id}-tz`} className="field-label">
            IANA time zone
          </label>
          <input
            id={`${id}-tz`}
            className="input"
            list={`${id}-zones`}
            value={text}
            placeholder={timeZone === undefined ? 'Loading…' : 'Search, e.g. Berlin'}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-tz-msg`}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setEdited(true);
              setError(null);
            }}
          />
          <datalist id={`${id}-zones`}>
            {options.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          <p id={`${id}-tz-msg`} className={`field-message ${error ? 'is-error' : ''}`} aria-live="polite">
            {error ??
              (timeZone
                ? `Now ${localTime(timeZone)} in ${timeZone} (${utcOffsetLabel(timeZone, now)})${timeZone === machine ? ' · this computer’s zone' : ''}.`
                : '')}
          </p>
        </div>
        <div className="tz-actions">
          <Button type="submit" variant={dirty ? 'primary' : 'secondary'} disabled={!dirty} busy={busy}>
            Save time zone
          </Button>
          {timeZone !== undefined && timeZone !== machine ? (
            <Button variant="ghost" onClick={() => void apply(machine)} disabled={busy}>
              Use this computer’s zone ({machine})
            </Button>
          ) : null}
        </div>
      </form>
    </section>
  );
}
