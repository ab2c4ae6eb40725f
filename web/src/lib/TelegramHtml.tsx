import { Fragment, type ReactNode } from 'react';
import { parseTelegramHtml, type TgNode } from './telegram-html.ts';

function renderNode(node: TgNode): ReactNode {
  if (typeof node === 'string') return node;
  const children = renderNodes(node.children);
  switch (node.tag) {
    case 'b':
      return <strong>{children}</strong>;
    case 'i':
      return <em>{children}</em>;
    case 'u':
      return <u>{children}</u>;
    case 's':
      return <s>{children}</s>;
    case 'spoiler':
      return <span className="spoiler">{children}</span>;
    case 'a':
      return node.href ? (
        <a href={node.href} target="_blank" rel="noopener noreferrer nofollow">
          {children}
        </a>
      ) : (
        children
      );
    case 'code':
      return <code>{children}</code>;
    case 'pre':
      return <pre>{children}</pre>;
    case 'blockquote':
      return <blockquote>{children}</blockquote>;
  }
}

function renderNodes(nodes: TgNode[]): ReactNode[] {
  // biome-ignore lint/suspicious/noArrayIndexKey: the nodes of a parsed message never reorder
  return nodes.map((node, i) => <Fragment key={i}>{renderNode(node)}</Fragment>);
}

/** Our own Telegram HTML as React elements (sanitised: see telegram-html.ts). */
export function TelegramHtml({ html }: { html: string }) {
  return <>{renderNodes(parseTelegramHtml(html))}</>;
}
