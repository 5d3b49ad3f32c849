/**
 * The Markdown that tool and field descriptions use, read into a small tree the console renders
 * as React elements (`components/markdown.tsx`): paragraphs, lists, headings, fenced code,
 * inline code, bold, italic, links and bare web addresses. Nothing here produces HTML: text stays
 * text, so `<script>` in a description is shown as the characters it is. Links keep only http
 * and https addresses; any other (`javascript:`, `data:`, relative) shows as its text alone.
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  | { kind: 'link'; href: string; children: Inline[] };

export type Block =
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'heading'; children: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; text: string };

/** Descriptions longer than this are cut: they are shown, not archived. */
const MAX_LENGTH = 20_000;
/** Emphasis and links inside each other deeper than this are read as plain text. */
const MAX_DEPTH = 8;
/**
 * How far a mark looks for its closing mark. Spans in descriptions are short; the bound keeps a
 * text full of unclosed marks (`[[[[…`, `****…`) linear instead of quadratic.
 */
const SPAN_WINDOW = 1_000;

/** The address if it is an absolute http(s) URL, else null. */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;

function pushText(out: Inline[], text: string) {
  if (text === '') return;
  const last = out.at(-1);
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** Where a code span opened by `ticks` backticks at `from` closes, or -1. */
function closingTicks(text: string, from: number, ticks: number): number {
  let at = from;
  const limit = from + SPAN_WINDOW;
  while (at < text.length) {
    const next = text.indexOf('`', at);
    if (next === -1 || next > limit) return -1;
    let run = 0;
    while (text[next + run] === '`') run += 1;
    if (run === ticks) return next;
    at = next + run;
  }
  return -1;
}

/** The index of the `]` closing the `[` at `open`, skipping nested brackets and code spans. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  const end = Math.min(text.length, open + SPAN_WINDOW);
  for (let i = open; i < end; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (c === '`') {
      let ticks = 0;
      while (text[i + ticks] === '`') ticks += 1;
      const close = closingTicks(text, i + ticks, ticks);
      if (close !== -1) i = close + ticks - 1;
      else i += ticks - 1;
    } else if (c === '[') depth += 1;
    else if (c === ']') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * `(url)`, `(<url>)` or `(url "title")` right after a link's label: the URL and where the whole
 * destination ends. Parentheses inside the URL must balance, as in CommonMark.
 */
function linkDestination(text: string, at: number): { url: string; end: number } | null {
  if (text[at] !== '(') return null;
  let i = at + 1;
  while (text[i] === ' ') i += 1;
  let url = '';
  if (text[i] === '<') {
    const close = text.indexOf('>', i);
    if (close === -1) return null;
    url = text.slice(i + 1, close);
    i = close + 1;
  } else {
    let depth = 0;
    const start = i;
    for (; i < text.length; i += 1) {
      const c = text[i] ?? '';
      if (c === '\\') i += 1;
      else if (/\s/.test(c)) break;
      else if (c === '(') depth += 1;
      else if (c === ')') {
        if (depth === 0) break;
        depth -= 1;
      }
    }
    url = text.slice(start, i);
  }
  const tail = /^(?:\s+"[^"]*")?\s*\)/.exec(text.slice(i));
  if (!tail) return null;
  return { url, end: i + tail[0].length };
}

/** Where emphasis opened with `delim` at `from` closes, or -1 (CommonMark's rules, simplified). */
function closingDelimiter(text: string, from: number, delim: string): number {
  let at = from;
  const limit = from + SPAN_WINDOW;
  while (at < text.length) {
    const next = text.indexOf(delim, at);
    if (next === -1 || next > limit) return -1;
    const before = text[next - 1] ?? '';
    const after = text[next + delim.length] ?? '';
    const escaped = before === '\\';
    const single = delim.length === 1 && (after === delim || before === delim);
    const flanking = before !== '' && !/\s/.test(before);
    const intraword = delim[0] === '_' && WORD.test(after);
    if (next > from && !escaped && !single && flanking && !intraword) return next;
    at = next + 1;
  }
  return -1;
}

const BARE_URL = /^https?:\/\/[^\s<>"'`]+/;

/** A bare address without the punctuation that ends the sentence around it. */
function trimBareUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1] ?? '';
    if (/[.,;:!?*_\]]/.test(last)) {
      end -= 1;
      continue;
    }
    const head = url.slice(0, end);
    // A closing parenthesis belongs to the address only when the address opened one.
    if (last === ')' && head.split(')').length > head.split('(').length) {
      end -= 1;
      continue;
    }
    return head;
  }
}

/** `inLink`: inside a link's label, where no other link may start. */
function inline(text: string, depth: number, inLink: boolean): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    const rest = text.slice(i);

    if (c === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      pushText(out, text[i + 1] ?? '');
      i += 2;
      continue;
    }

    if (c === '`') {
      let ticks = 0;
      while (text[i + ticks] === '`') ticks += 1;
      const close = closingTicks(text, i + ticks, ticks);
      if (close === -1) {
        pushText(out, '`'.repeat(ticks));
        i += ticks;
        continue;
      }
      let code = text.slice(i + ticks, close).replace(/\n/g, ' ');
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') {
        code = code.slice(1, -1);
      }
      out.push({ kind: 'code', text: code });
      i = close + ticks;
      continue;
    }

    if (c === '[' && !inLink && depth < MAX_DEPTH) {
      const close = closingBracket(text, i);
      const destination = close === -1 ? null : linkDestination(text, close + 1);
      if (destination) {
        const label = inline(text.slice(i + 1, close), depth + 1, true);
        const href = safeHref(destination.url);
        if (href) out.push({ kind: 'link', href, children: label });
        else for (const part of label) out.push(part);
        i = destination.end;
        continue;
      }
    }

    if (c === '<' && !inLink) {
      const auto = /^<(https?:\/\/[^\s<>]+)>/.exec(rest);
      const href = auto ? safeHref(auto[1] ?? '') : null;
      if (auto && href) {
        out.push({ kind: 'link', href, children: [{ kind: 'text', text: auto[1] ?? '' }] });
        i += auto[0].length;
        continue;
      }
    }

    if ((c === 'h' || c === 'H') && !inLink && !WORD.test(text[i - 1] ?? '')) {
      const bare = BARE_URL.exec(rest);
      const url = bare ? trimBareUrl(bare[0]) : '';
      const href = url ? safeHref(url) : null;
      if (href) {
        out.push({ kind: 'link', href, children: [{ kind: 'text', text: url }] });
        i += url.length;
        continue;
      }
    }

    if ((c === '*' || c === '_') && depth < MAX_DEPTH) {
      const double = text[i + 1] === c;
      const delim = double ? c + c : c;
      const opensAfter = text[i + delim.length] ?? '';
      const intraword = c === '_' && WORD.test(text[i - 1] ?? '');
      if (opensAfter !== '' && !/\s/.test(opensAfter) && !intraword) {
        const close = closingDelimiter(text, i + delim.length, delim);
        if (close !== -1) {
          const children = inline(text.slice(i + delim.length, close), depth + 1, inLink);
          out.push(double ? { kind: 'strong', children } : { kind: 'em', children });
          i = close + delim.length;
          continue;
        }
      }
      pushText(out, delim);
      i += delim.length;
      continue;
    }

    pushText(out, c);
    i += 1;
  }
  return out;
}

/** Inline Markdown (no blocks): line breaks become spaces. */
export function parseInline(text: string): Inline[] {
  return inline(
    text
      .slice(0, MAX_LENGTH)
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
    0,
    false,
  );
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;

/** Block Markdown: paragraphs (blank-line separated), lists, headings and fenced code. */
export function parseMarkdown(text: string): Block[] {
  const lines = text.slice(0, MAX_LENGTH).replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[][] } | null = null;

  const flush = () => {
    if (paragraph.length > 0) {
      blocks.push({ kind: 'paragraph', children: parseInline(paragraph.join('\n')) });
      paragraph = [];
    }
    if (list) {
      blocks.push({
        kind: 'list',
        ordered: list.ordered,
        items: list.items.map((item) => parseInline(item.join('\n'))),
      });
      list = null;
    }
  };

  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] ?? '```';
      const code: string[] = [];
      n += 1;
      while (n < lines.length && !(lines[n] ?? '').trimStart().startsWith(marker)) {
        code.push(lines[n] ?? '');
        n += 1;
      }
      blocks.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', children: parseInline(heading[1] ?? '') });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1] ?? '');
      if (paragraph.length > 0 || (list && list.ordered !== ordered)) flush();
      if (!list) list = { ordered, items: [] };
      list.items.push([item[2] ?? '']);
      continue;
    }
    // A line after a list item (indented or not) continues it, as CommonMark's lazy lines do.
    const last = list?.items.at(-1);
    if (last) last.push(line);
    else paragraph.push(line);
  }
  flush();
  return blocks;
}
