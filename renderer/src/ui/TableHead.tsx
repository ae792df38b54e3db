import type { ReactNode } from 'react';

export interface Column {
  readonly label: ReactNode;
  /** Numbers are right-aligned so digits line up. */
  readonly num?: boolean;
}

export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col" className={c.num ? 'num' : undefined}>
            {c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
