import type { FileNotice } from '../../../../shared/contract/index.js';
import { Icon } from '../../ui/Icon.js';
import { FileNoticeAction, FileNoticeText } from './FileNoticeView.js';
import { byUrgency, noticeKey } from './notice-text.js';

/** About: the state of the data folder's files, with the action each damaged one needs. */
export function DataFilesCard({ notices }: { notices: FileNotice[] | undefined }) {
  return (
    <section className="card" aria-labelledby="about-files" aria-busy={!notices} data-testid="data-files">
      <h2 id="about-files" className="card-title">
        Data files
      </h2>
      {notices === undefined ? (
        <span className="skeleton skeleton-block" />
      ) : notices.length === 0 ? (
        <p className="muted">Every file in the data folder was read without a problem.</p>
      ) : (
        <ul className="file-notice-list">
          {byUrgency(notices).map((n) => (
            <li key={noticeKey(n)} className={`file-notice ${n.action ? 'is-blocking' : ''}`}>
              <Icon name="alert" size={18} />
              <div className="file-notice-text">
                <FileNoticeText notice={n} />
              </div>
              <div className="file-notice-actions">
                <FileNoticeAction notice={n} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
