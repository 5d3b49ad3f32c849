import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InlineMarkdown, Markdown } from '../components/markdown.tsx';
import { parseInline, parseMarkdown, safeHref } from './markdown.ts';

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));
const inlineHtml = (text: string) => renderToStaticMarkup(createElement(InlineMarkdown, { text }));

describe('parseInline', () => {
  it('reads inline code, bold, italic and links', () => {
    expect(
      parseInline('Use `#general` or **any** _channel_, see [docs](https://api.slack.com/).'),
    ).toStrictEqual([
      { kind: 'text', text: 'Use ' },
      { kind: 'code', text: '#general' },
      { kind: 'text', text: ' or ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'any' }] },
      { kind: 'text', text: ' ' },
      { kind: 'em', children: [{ kind: 'text', text: 'channel' }] },
      { kind: 'text', text: ', see ' },
      { kind: 'link', href: 'https://api.slack.com/', children: [{ kind: 'text', text: 'docs' }] },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves snake_case, lone stars and unclosed marks as they are', () => {
    expect(parseInline('pass user_id and page_size; 2 * 3 = 6; **open')).toStrictEqual([
      { kind: 'text', text: 'pass user_id and page_size; 2 * 3 = 6; **open' },
    ]);
    expect(parseInline('a \\*literal\\* star')).toStrictEqual([
      { kind: 'text', text: 'a *literal* star' },
    ]);
  });

  it('does not read Markdown inside code', () => {
    expect(parseInline('`**not bold** [x](https://a.test)`')).toStrictEqual([
      { kind: 'code', text: '**not bold** [x](https://a.test)' },
    ]);
  });

  it('links bare web addresses without the punctuation after them', () => {
    expect(
      parseInline('See https://docs.composio.dev/tools. Or (https://example.test/a_(b)).'),
    ).toStrictEqual([
      { kind: 'text', text: 'See ' },
      {
        kind: 'link',
        href: 'https://docs.composio.dev/tools',
        children: [{ kind: 'text', text: 'https://docs.composio.dev/tools' }],
      },
      { kind: 'text', text: '. Or (' },
      {
        kind: 'link',
        href: 'https://example.test/a_(b)',
        children: [{ kind: 'text', text: 'https://example.test/a_(b)' }],
      },
      { kind: 'text', text: ').' },
    ]);
  });

  it('keeps only http and https links; others show as their text', () => {
    expect(
      parseInline('[click](javascript:alert(1)) or [wiki](https://en.test/Foo_(bar))'),
    ).toStrictEqual([
      { kind: 'text', text: 'click or ' },
      {
        kind: 'link',
        href: 'https://en.test/Foo_(bar)',
        children: [{ kind: 'text', text: 'wiki' }],
      },
    ]);
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      '/relative/path',
      'mailto:a@b.test',
    ]) {
      expect(safeHref(href), href).toBeNull();
    }
    expect(safeHref('https://example.test/a?b=1')).toBe('https://example.test/a?b=1');
    expect(safeHref('http://example.test')).toBe('http://example.test/');
  });

  it('starts no link inside a link’s label', () => {
    expect(parseInline('[see https://a.test](https://b.test)')).toStrictEqual([
      {
        kind: 'link',
        href: 'https://b.test/',
        children: [{ kind: 'text', text: 'see https://a.test' }],
      },
    ]);
  });

  it('reads a text full of unclosed marks in time that grows with its length, not its square', () => {
    // Relative, not a time limit: a loaded CI machine makes any absolute bound flaky. Eight
    // times the text takes about 8x as long read linearly and 64x read quadratically; the
    // fastest of three runs of each keeps a stall of the machine out of the ratio.
    const fastest = (text: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        const nodes = parseInline(text);
        best = Math.min(best, performance.now() - started);
        expect(nodes.map((node) => (node.kind === 'text' ? node.text : '')).join('')).toBe(
          text.trim(),
        );
      }
      return Math.max(best, 0.05);
    };
    for (const [unit, count] of [
      ['[', 20_000],
      ['** ', 6_000],
      ['_a', 10_000],
    ] as const) {
      const short = fastest(unit.repeat(count / 8));
      const long = fastest(unit.repeat(count));
      expect(long / short, unit).toBeLessThan(32);
    }
  });
});

describe('parseMarkdown', () => {
  it('reads paragraphs, lists, headings and fenced code', () => {
    expect(
      parseMarkdown(
        '# Sends a message\n\nPosts to a channel\nof the workspace.\n\n- one\n- two\n  continued\n\n1. first\n2) second\n\n```json\n{"a": "**b**"}\n```',
      ),
    ).toStrictEqual([
      { kind: 'heading', children: [{ kind: 'text', text: 'Sends a message' }] },
      {
        kind: 'paragraph',
        children: [{ kind: 'text', text: 'Posts to a channel of the workspace.' }],
      },
      {
        kind: 'list',
        ordered: false,
        items: [[{ kind: 'text', text: 'one' }], [{ kind: 'text', text: 'two continued' }]],
      },
      {
        kind: 'list',
        ordered: true,
        items: [[{ kind: 'text', text: 'first' }], [{ kind: 'text', text: 'second' }]],
      },
      { kind: 'code', text: '{"a": "**b**"}' },
    ]);
  });

  it('ends a paragraph where a list starts', () => {
    expect(parseMarkdown('Options:\n* a\n* b').map((b) => b.kind)).toStrictEqual([
      'paragraph',
      'list',
    ]);
  });
});

describe('<Markdown>', () => {
  it('renders elements, with links opening safely in a new tab', () => {
    expect(html('Get **a** repo: `owner/repo`.\n\nSee [the docs](https://docs.github.com).')).toBe(
      '<div class="markdown"><p>Get <strong>a</strong> repo: <code>owner/repo</code>.</p>' +
        '<p>See <a href="https://docs.github.com/" target="_blank" rel="noopener noreferrer">the docs</a>.</p></div>',
    );
    expect(html('- one\n- *two*')).toBe(
      '<div class="markdown"><ul class="markdown-list"><li>one</li><li><em>two</em></li></ul></div>',
    );
  });

  it('shows HTML in the text as text', () => {
    const out = html('Hi <script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold?</b>');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders a javascript: link as its text, with no anchor', () => {
    const out = html('[click me](javascript:alert(document.cookie)) and [x](JAVASCRIPT:void(0))');
    expect(out).not.toContain('<a');
    expect(out).not.toMatch(/javascript/i);
    expect(out).toContain('click me');
  });

  it('renders a field hint inline, without block elements', () => {
    expect(inlineHtml('Channel name (`#general`, `general`) or id.')).toBe(
      'Channel name (<code>#general</code>, <code>general</code>) or id.',
    );
  });
});
