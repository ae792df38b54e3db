import { useDocumentTitle } from '../../app/useDocumentTitle.js';
import { useBridgeQuery } from '../../hooks/useBridgeQuery.js';
import { Link } from '../../router/Link.js';
import { paths } from '../../router/routes.js';
import { Callout } from '../../ui/Callout.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { ErrorNotice } from '../../ui/ErrorNotice.js';
import { DataFilesCard } from '../data-files/DataFilesCard.js';
import { ProtectionBadge } from '../settings/keys/ProtectionBadge.js';

export function AboutPage() {
  useDocumentTitle('About');
  const info = useBridgeQuery('app.info', {}, { refreshOn: ['vault.changed', 'app.notices'] });
  const data = info.data;
  return (
    <div className="page page-narrow about-page">
      <header className="page-header">
        <h1>About Switchboard</h1>
        <p className="page-subtitle">Bring-your-own-key LLM client: keys kept on this computer, exact costs, limits that hold.</p>
      </header>
      {info.error && !data ? <ErrorNotice error={info.error} onRetry={info.reload} /> : null}
      <section className="card" aria-labelledby="about-app" aria-busy={!data}>
        <h2 id="about-app" className="card-title">
          This installation
        </h2>
        <dl className="facts">
          <div>
            <dt>Version</dt>
            <dd>{data ? data.version : <span className="skeleton skeleton-text" />}</dd>
          </div>
          <div>
            <dt>Data folder</dt>
            <dd className="fact-with-action">
              {data ? (
                <>
                  <code className="path" data-testid="data-dir">
                    {data.dataDir}
                  </code>
                  <CopyButton text={data.dataDir} />
                </>
              ) : (
                <span className="skeleton skeleton-text wide" />
              )}
            </dd>
          </div>
          <div>
            <dt>Running as</dt>
            <dd>{data ? (data.transport === 'web' ? `Web host in your browser (${data.platform})` : `Desktop app (${data.platform})`) : <span className="skeleton skeleton-text" />}</dd>
          </div>
          {data?.catalogCheckedAt ? (
            <div>
              <dt>Model prices checked</dt>
              <dd>{data.catalogCheckedAt}</dd>
            </div>
          ) : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="about-keys" aria-busy={!data}>
        <h2 id="about-keys" className="card-title">
          Key protection
        </h2>
        {data ? (
          <>
            <div className="protection-line">
              <ProtectionBadge vault={data.vault} />
              <span>{data.vault.summary}</span>
            </div>
            <dl className="facts">
              <div>
                <dt>Backend</dt>
                <dd>
                  <code>{data.vault.backend}</code>
                </dd>
              </div>
              <div>
                <dt>Keys survive a restart</dt>
                <dd>
                  {data.vault.locked
                    ? 'Saved keys stay on disk, locked until you unlock them'
                    : data.vault.persistent
                      ? 'Yes'
                      : 'No — kept for this session only'}
                </dd>
              </div>
            </dl>
            {data.vault.warning ? (
              <Callout tone="warning" title="Action recommended">
                <p>{data.vault.warning}</p>
                <p>
                  <Link to={paths.settings('keys')}>Open Providers &amp; Keys</Link> to fix it.
                </p>
              </Callout>
            ) : null}
          </>
        ) : (
          <span className="skeleton skeleton-block" />
        )}
      </section>
      <DataFilesCard notices={data?.notices} />
    </div>
  );
}
