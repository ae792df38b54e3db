import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';

// Loaded by path at run time: the component is TSX and DOM-typed, which the Node type check of tests/
// (tsconfig.node.json: no JSX, no DOM library) cannot compile. Vitest transforms it like the app build does.
const MODULE = '../../../renderer/src/features/chat/Markdown.tsx';
let MarkdownText: FunctionComponent<{ text: string }>;
let safeUrl: (url: string) => string;
beforeAll(async () => {
  const mod = (await import(/* @vite-ignore */ MODULE)) as { MarkdownText: typeof MarkdownText; safeUrl: typeof safeUrl };
  MarkdownText = mod.MarkdownText;
  safeUrl = mod.safeUrl;
});

const render = (text: string) => renderToStaticMarkup(createElement(MarkdownText, { text }));

describe('markdown from a model', () => {
  it('renders GitHub-flavoured markdown', () => {
    const html = render('# Title\n\n**bold** and `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<table>');
    expect(html).toContain('type="checkbox"');
  });

  it('shows raw HTML as text instead of running or rendering it', () => {
    const html = render('Hello <script>alert(1)</script> <img src=x onerror="alert(2)"> <b>b</b>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('keeps only web and mail links, opened outside the app', () => {
    const html = render('[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.com) [d](mailto:x@example.com) [e](file:///etc/passwd)');
    expect(html).not.toMatch(/href="(javascript|data|file):/);
    expect(html).toContain('href="https://example.com" target="_blank" rel="noopener noreferrer nofollow"');
    expect(html).toContain('href="mailto:x@example.com"');
    expect(safeUrl('JAVASCRIPT:alert(1)')).toBe('');
    expect(safeUrl('#section')).toBe('#section');
  });

  it('never loads images: they become links', () => {
    const html = render('![a cat](https://example.com/cat.png)');
    expect(html).not.toContain('<img');
    expect(html).toContain('[Image: a cat]');
  });

  it('gives code blocks their language and a copy button', () => {
    const html = render('```ts\nconst x = 1;\n```');
    expect(html).toContain('class="code-block"');
    expect(html).toContain('>ts<');
    expect(html).toContain('aria-label="Copy ts code"');
    expect(html).toContain('const x = 1;');
  });
});
