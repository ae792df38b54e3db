import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.js';

export type CalloutTone = 'info' | 'success' | 'warning' | 'error';
const ICONS: Record<CalloutTone, IconName> = { info: 'info', success: 'check', warning: 'alert', error: 'alert' };

/** A boxed message. Errors and warnings are announced to screen readers. */
export function Callout({ tone = 'info', title, children, action, className }: { tone?: CalloutTone; title?: string; children?: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <div className={`callout callout-${tone} ${className ?? ''}`} role={tone === 'error' || tone === 'warning' ? 'alert' : 'status'}>
      <Icon name={ICONS[tone]} size={18} />
      <div className="callout-content">
        {title ? <p className="callout-title">{title}</p> : null}
        {children ? <div className="callout-body">{children}</div> : null}
      </div>
      {action ? <div className="callout-action">{action}</div> : null}
    </div>
  );
}
