import { useState } from 'react';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { IconButton } from '../../ui/Button.js';
import { Icon } from '../../ui/Icon.js';
import { FileNoticeAction, FileNoticeText } from './FileNoticeView.js';
import { byUrgency, dismissible, noticeKey } from './notice-text.js';

/**
 * Mounted once in the shell: the files Switchboard found damaged when it started, on every page
 * until fixed. One that stops nothing (its file was set aside, defaults are in use) can be hidden
 * for this session; About, Data files keeps the whole list.
 */
export function FileNoticesBanner() {
  const info = useBridgeQuery('app.info', {}, { refreshOn: ['app.notices', 'vault.changed'] });
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const visible = byUrgency(info.data?.notices ?? []).filter((n) => !hidden.has(noticeKey(n)));
  if (visible.length === 0) return null;
  return (
    <div className="file-notices" role="region" aria-label="Damaged files" data-testid="file-notices">
      {visible.map((n) => (
        <div key={noticeKey(n)} className={`file-notice ${n.action ? 'is-blocking' : ''}`} role="alert">
          <Icon name="alert" size={18} />
          <div className="file-notice-text">
            <FileNoticeText notice={n} />
          </div>
          <div className="file-notice-actions">
            <FileNoticeAction notice={n} />
            {dismissible(n) ? (
              <IconButton icon="x" label={`Hide the notice about ${n.file}`} onClick={() => setHidden((h) => new Set(h).add(noticeKey(n)))} />
            ) : null}
          </div>
        </div>
      ))}
    </div>
  );
}
