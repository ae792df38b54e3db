import type { FileNotice } from '../../../../shared/contract/index.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { noticeTitle } from './notice-text.js';
import { ResetLedgerButton } from './ResetLedgerButton.js';

/** One damaged file: what is wrong, what Switchboard did, and the action that fixes it. */
export function FileNoticeText({ notice }: { notice: FileNotice }) {
  return (
    <>
      <p className="file-notice-title">{noticeTitle(notice)}</p>
      <p className="file-notice-body">
        {notice.problem} {notice.outcome}
      </p>
    </>
  );
}

export function FileNoticeAction({ notice }: { notice: FileNotice }) {
  if (notice.action === 'reset-ledger') return <ResetLedgerButton />;
  if (notice.action === 'reset-vault') {
    return (
      <Link to={paths.settings('keys')} className="btn btn-secondary btn-sm">
        Open Providers &amp; Keys
      </Link>
    );
  }
  return null;
}
