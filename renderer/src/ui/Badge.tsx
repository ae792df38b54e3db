import type { ReactNode } from 'react';
import type { BadgeTone } from './badge-tone.js';

export type { BadgeTone };

export function Badge({ tone = 'neutral', children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
