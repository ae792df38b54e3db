import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { chartPoints, type ChartData, type Metric } from './chart-data.js';
import { formatCostAxis, formatCostExact, formatTokens, formatTokensCompact, plural, unknownPriceNote } from './money.js';

// Chart colours are theme variables (usage.css), so the chart follows light and dark mode.
export const seriesColor = (index: number, key: string) => (key === 'other' ? 'var(--chart-other)' : `var(--chart-${(index % 8) + 1})`);

function formatValue(value: number, metric: Metric): string {
  return metric === 'cost' ? formatCostExact(value) : `${formatTokens(value)} tokens`;
}

/** Stacked bars per day, week or month. Recharts draws SVG; the legend and tooltip are our HTML. */
export function UsageChart({ data, metric, title }: { data: ChartData; metric: Metric; title: string }) {
  const points = chartPoints(data);
  const many = data.rows.length > 20;
  return (
    <figure className="usage-chart" aria-label={title}>
      <BarChart
        responsive
        style={{ width: '100%', height: 280 }}
        data={points}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        barCategoryGap={many ? '12%' : '24%'}
        accessibilityLayer
      >
        <CartesianGrid vertical={false} stroke="var(--border)" />
        <XAxis
          dataKey="label"
          tickLine={false}
          axisLine={{ stroke: 'var(--border-strong)' }}
          tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
          interval="preserveStartEnd"
          minTickGap={16}
        />
        <YAxis
          tickLine={false}
          axisLine={false}
          // Measured from the tick labels: a fixed width cut "US$0.00015" at the left edge.
          width="auto"
          tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
          tickFormatter={(v: number) => (metric === 'cost' ? formatCostAxis(v) : formatTokensCompact(v))}
          allowDecimals={metric === 'cost'}
        />
        <Tooltip cursor={{ fill: 'var(--bg-hover)' }} content={(props) => <ChartTooltip active={props.active} payload={props.payload} data={data} metric={metric} />} isAnimationActive={false} />
        {data.series.map((s, i) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} stackId="usage" fill={seriesColor(i, s.key)} isAnimationActive={false} maxBarSize={56} />
        ))}
      </BarChart>
      <figcaption className="chart-legend">
        {data.series.map((s, i) => (
          <span key={s.key} className="legend-item">
            <span className="legend-swatch" style={{ background: seriesColor(i, s.key) }} aria-hidden="true" />
            <span className="legend-label">{s.label}</span>
            <span className="legend-value">{formatValue(s.total, metric)}</span>
          </span>
        ))}
      </figcaption>
      <details className="chart-data">
        <summary>Show the numbers</summary>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{data.rows.length > 0 ? 'Period' : ''}</th>
                {data.series.map((s) => (
                  <th key={s.key} scope="col" className="num">
                    {s.label}
                  </th>
                ))}
                <th scope="col" className="num">
                  Total
                </th>
                <th scope="col" className="num">
                  Calls
                </th>
              </tr>
            </thead>
            <tbody>
              {data.rows
                .filter((r) => r.calls > 0)
                .map((r) => (
                  <tr key={r.bucket}>
                    <th scope="row">{r.label}</th>
                    {data.series.map((s) => (
                      <td key={s.key} className="num">
                        {formatValue(r.values[s.key] ?? 0, metric)}
                      </td>
                    ))}
                    <td className="num">{formatValue(r.total, metric)}</td>
                    <td className="num">
                      {r.calls.toLocaleString()}
                      {metric === 'cost' && r.unknownCostCalls > 0 ? <span className="cell-note">{unknownPriceNote(r.unknownCostCalls)}</span> : null}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function ChartTooltip({ active, payload, data, metric }: { active?: boolean | undefined; payload?: ReadonlyArray<{ payload?: unknown }> | undefined; data: ChartData; metric: Metric }) {
  if (!active || !payload || payload.length === 0) return null;
  const bucket = (payload[0]?.payload as { bucket?: string } | undefined)?.bucket;
  const row = data.rows.find((r) => r.bucket === bucket);
  if (!row) return null;
  const parts = data.series.map((s, i) => ({ s, i, value: row.values[s.key] ?? 0 })).filter((p) => p.value > 0);
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip-title">{row.label}</p>
      {parts.length === 0 ? <p className="muted">{row.calls === 0 ? 'No calls' : metric === 'cost' ? 'No known cost' : 'No tokens'}</p> : null}
      <ul>
        {parts
          .slice()
          .reverse()
          .map(({ s, i, value }) => (
            <li key={s.key}>
              <span className="legend-swatch" style={{ background: seriesColor(i, s.key) }} aria-hidden="true" />
              <span className="chart-tooltip-name">{s.label}</span>
              <span className="chart-tooltip-value">{formatValue(value, metric)}</span>
            </li>
          ))}
      </ul>
      {parts.length > 1 ? (
        <p className="chart-tooltip-total">
          <span>Total</span>
          <span>{formatValue(row.total, metric)}</span>
        </p>
      ) : null}
      <p className="chart-tooltip-note">
        {plural(row.calls, 'call', 'calls')}
        {metric === 'cost' && row.unknownCostCalls > 0 ? ` · ${unknownPriceNote(row.unknownCostCalls)}` : ''}
      </p>
    </div>
  );
}
