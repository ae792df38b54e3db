import type { ReactNode } from 'react';
import { TableHead, type Column } from '../../ui/TableHead.js';

/** The table body of a usage card, or the line saying why there is none yet. */
export function UsageTable({
  columns,
  empty,
  loading,
  className,
  describedBy,
  children,
}: {
  columns: readonly Column[];
  empty: boolean;
  loading: boolean;
  className?: string;
  describedBy?: string;
  children: ReactNode;
}) {
  if (empty) return <p className="muted table-empty">{loading ? 'Loading…' : 'No calls in this period.'}</p>;
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : 'table'} aria-describedby={describedBy}>
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
