import { memo, type ReactNode } from 'react';
import Markdown, { defaultUrlTransform, type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CopyAction } from './CopyAction.js';

interface HastNode {
  type: string;
  value?: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

function textOf(node: HastNode | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(textOf).join('');
}

function languageOf(node: HastNode | undefined): string | null {
  const code = node?.children?.find((c) => c.type === 'element' && c.tagName === 'code');
  const classes = code?.properties?.className;
  const list = Array.isArray(classes) ? classes.map(String) : typeof classes === 'string' ? classes.split(' ') : [];
  const lang = list.find((c) => c.startsWith('language-'));
  return lang ? lang.slice('language-'.length) : null;
}

/** Only web and mail links; anything else (javascript:, data:, file:) is dropped. */
export function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  if (cleaned === '') return '';
  if (/^(https?:|mailto:)/i.test(cleaned) || cleaned.startsWith('#')) return cleaned;
  return '';
}

const components: Components = {
  pre({ node, children }) {
    const code = textOf(node as HastNode | undefined).replace(/\n$/, '');
    const lang = languageOf(node as HastNode | undefined);
    return (
      <div className="code-block">
        <div className="code-block-bar">
          <span className="code-block-lang">{lang ?? 'code'}</span>
          <CopyAction text={code} label={lang ? `Copy ${lang} code` : 'Copy code'} />
        </div>
        <pre tabIndex={0}>{children}</pre>
      </div>
    );
  },
  a({ href, children }) {
    if (!href) return <span>{children}</span>;
    // Model output is untrusted: links open outside the app, without a referrer or an opener.
    return (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    );
  },
  // No remote images: they would leak that the answer was read (and the CSP blocks them anyway).
  img({ src, alt }) {
    const label = alt?.trim() ? `Image: ${alt}` : 'Image';
    return typeof src === 'string' && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow" className="md-image-link">
        [{label}]
      </a>
    ) : (
      <span className="md-image-link">[{label}]</span>
    );
  },
  table({ children }) {
    return (
      <div className="md-table-wrap" tabIndex={0}>
        <table>{children}</table>
      </div>
    );
  },
};

const plugins = [remarkGfm];

/**
 * Markdown from a model, rendered safely: raw HTML is shown as text (never parsed), links are
 * limited to http(s) and mailto, images become links. Memoised: long histories re-render only what changed.
 */
export const MarkdownText = memo(function MarkdownText({ text }: { text: string }): ReactNode {
  return (
    <div className="markdown">
      <Markdown remarkPlugins={plugins} components={components} urlTransform={safeUrl} skipHtml={false}>
        {text}
      </Markdown>
    </div>
  );
});
