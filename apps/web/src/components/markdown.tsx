import { type ReactNode, useMemo } from 'react';
import { type Block, type Inline, parseInline, parseMarkdown } from '../lib/markdown.ts';

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, index) => {
    // The tree is rebuilt whole from the text, so positions are stable keys.
    const key = index;
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={key}>{node.text}</code>;
      case 'strong':
        return <strong key={key}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(node.children)}</em>;
      case 'link':
        return (
          <a key={key} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.children)}
          </a>
        );
      default:
        return null;
    }
  });
}

function renderBlock(block: Block, key: number): ReactNode {
  switch (block.kind) {
    case 'paragraph':
      return <p key={key}>{renderInline(block.children)}</p>;
    case 'heading':
      // Not an <h*>: a description's headings would break the page's own outline.
      return (
        <p key={key} className="markdown-heading">
          <strong>{renderInline(block.children)}</strong>
        </p>
      );
    case 'list': {
      // Items have no identity beyond their place, and the list is rebuilt whole from the text.
      const items = block.items.map((item, index) => <li key={index}>{renderInline(item)}</li>);
      return block.ordered ? (
        <ol key={key} className="markdown-list">
          {items}
        </ol>
      ) : (
        <ul key={key} className="markdown-list">
          {items}
        </ul>
      );
    }
    case 'code':
      return (
        <pre key={key} className="markdown-code">
          <code>{block.text}</code>
        </pre>
      );
    default:
      return null;
  }
}

/**
 * A tool's description as its author wrote it in Markdown, rendered as React elements (never as
 * HTML): see `lib/markdown.ts` for what is read and how links are kept safe.
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      {blocks.map(renderBlock)}
    </div>
  );
}

/** Markdown inside a line (a field's hint): inline code, emphasis and links only. */
export function InlineMarkdown({ text }: { text: string }) {
  const nodes = useMemo(() => parseInline(text), [text]);
  return <>{renderInline(nodes)}</>;
}
