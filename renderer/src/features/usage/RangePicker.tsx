import { useId } from 'react';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { PRESETS, type RangeErrors, type RangePreset } from './date-range.js';

/** Presets as a segmented control, plus from/to dates for a custom range, in the limits' time zone. */
export function RangePicker({
  preset,
  customFrom,
  customTo,
  errors,
  timeZone,
  onPreset,
  onCustom,
}: {
  preset: RangePreset;
  customFrom: string;
  customTo: string;
  errors: RangeErrors | null;
  timeZone: string;
  onPreset(preset: RangePreset): void;
  onCustom(from: string, to: string): void;
}) {
  const id = useId();
  return (
    <div className="range-picker">
      <div className="segmented" role="group" aria-label="Date range">
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className={`segment ${preset === p.id ? 'is-selected' : ''}`}
            aria-pressed={preset === p.id}
            onClick={() => onPreset(p.id)}
          >
            {p.label}
          </button>
        ))}
      </div>
      {preset === 'custom' ? (
        <div className="range-custom">
          <div className="range-date">
            <label htmlFor={`${id}-from`} className="field-label">
              From
            </label>
            <input
              id={`${id}-from`}
              type="date"
              className="input"
              value={customFrom}
              max={customTo || undefined}
              aria-invalid={errors?.from ? true : undefined}
              aria-describedby={errors?.from ? `${id}-from-error` : undefined}
              onChange={(e) => onCustom(e.currentTarget.value, customTo)}
            />
            {errors?.from ? (
              <p id={`${id}-from-error`} className="field-message is-error">
                {errors.from}
              </p>
            ) : null}
          </div>
          <div className="range-date">
            <label htmlFor={`${id}-to`} className="field-label">
              To
            </label>
            <input
              id={`${id}-to`}
              type="date"
              className="input"
              value={customTo}
              min={customFrom || undefined}
              aria-invalid={errors?.to ? true : undefined}
              aria-describedby={errors?.to ? `${id}-to-error` : undefined}
              onChange={(e) => onCustom(customFrom, e.currentTarget.value)}
            />
            {errors?.to ? (
              <p id={`${id}-to-error`} className="field-message is-error">
                {errors.to}
              </p>
            ) : null}
          </div>
        </div>
      ) : null}
      <p className="range-zone">
        Days follow your time zone, <strong>{timeZone}</strong>.{' '}
        <Link to={paths.settings('limits')} className="subtle-link">
          Change
        </Link>
      </p>
    </div>
  );
}
