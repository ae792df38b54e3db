import type { ReactNode } from 'react';

export interface Column {
  readonly label: ReactNode;
  /** Numbers are right-aligned so digits line up. */
  readonly num?: boolean;
  /** A fixed width (CSS length) for tables laid out with `table-layout: fixed`; the others share the rest. */
  readonly width?: string;
}

export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col" className={c.num ? 'num' : undefined} style={c.width ? { width: c.width } : undefined}>
            {c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
