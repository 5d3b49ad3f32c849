import { stableUuid } from '../state/ids.js';
import { loginFromIdentity } from './identity.js';
import { defineTool, fail, iso, ok, READS, type Tool, type ToolContext, WRITES } from './tool.js';

export interface NotionPage {
  id: string;
  title: string;
  parentId: string | null;
  content: string;
  createdTime: string;
}

export interface NotionWorld {
  workspace: { id: string; name: string };
  /** Oldest first. */
  pages: NotionPage[];
}

const SEEDED_AT = '2026-01-05T09:00:00.000Z';

/** A workspace named after the identity with pages "Getting Started" and "Meeting Notes". */
export function seedNotion(identity: string): NotionWorld {
  const login = loginFromIdentity(identity);
  const page = (title: string, content: string): NotionPage => ({
    id: stableUuid(`notion:${identity}:${title}`),
    title,
    parentId: null,
    content,
    createdTime: SEEDED_AT,
  });
  return {
    workspace: { id: stableUuid(`notion:workspace:${identity}`), name: `${login}'s Notion` },
    pages: [
      page('Getting Started', `Welcome to ${login}'s workspace.`),
      page('Meeting Notes', 'Notes from the weekly sync.'),
    ],
  };
}

function world(ctx: ToolContext): NotionWorld {
  ctx.account.world.notion ??= seedNotion(ctx.identity);
  return ctx.account.world.notion;
}

function pageJson(w: NotionWorld, p: NotionPage) {
  return {
    object: 'page',
    id: p.id,
    title: p.title,
    url: `https://notion.example.test/${p.title.replace(/\W+/g, '-')}-${p.id.replace(/-/g, '')}`,
    parent: p.parentId
      ? { type: 'page_id', page_id: p.parentId }
      : { type: 'workspace', workspace: true },
    workspace_name: w.workspace.name,
    created_time: p.createdTime,
    archived: false,
  };
}

const createPage = defineTool<{ title: string; parent_id?: string; content?: string }>({
  slug: 'NOTION_CREATE_PAGE',
  name: 'Create Notion page',
  description: 'Creates a page in the connected workspace, optionally under a parent page.',
  toolkit: 'notion',
  important: true,
  hints: WRITES,
  scopes: ['insert_content'],
  input: {
    type: 'object',
    properties: {
      title: { type: 'string', description: 'The page title.', minLength: 1 },
      parent_id: { type: 'string', description: 'Id of the parent page; the workspace if absent.' },
      content: { type: 'string', description: 'Plain text content.' },
    },
    required: ['title'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { id: { type: 'string' }, url: { type: 'string' } } },
  run(ctx, { title, parent_id, content = '' }) {
    const w = world(ctx);
    if (parent_id !== undefined && !w.pages.some((p) => p.id === parent_id)) {
      return fail(`object_not_found: could not find page with id '${parent_id}'`);
    }
    const page: NotionPage = {
      id: stableUuid(`notion:${ctx.account.id}:${w.pages.length}:${title}`),
      title,
      parentId: parent_id ?? null,
      content,
      createdTime: iso(ctx.now),
    };
    w.pages.push(page);
    ctx.record('notion_page', { workspace: w.workspace.name, id: page.id, title });
    return ok(pageJson(w, page));
  },
});

const search = defineTool<{ query?: string; page_size?: number }>({
  slug: 'NOTION_SEARCH',
  name: 'Search Notion pages',
  description: 'Finds pages of the connected workspace whose title contains the query.',
  toolkit: 'notion',
  important: true,
  hints: READS,
  scopes: ['read_content'],
  input: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'Text the title must contain; all pages if empty.' },
      page_size: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    },
    additionalProperties: false,
  },
  output: { type: 'object', properties: { results: { type: 'array' } } },
  run(ctx, { query = '', page_size = 10 }) {
    const w = world(ctx);
    const found = w.pages
      .filter((p) => p.title.toLowerCase().includes(query.toLowerCase()))
      .reverse();
    return ok({
      object: 'list',
      results: found.slice(0, page_size).map((p) => pageJson(w, p)),
      has_more: found.length > page_size,
    });
  },
});

const getPage = defineTool<{ page_id: string }>({
  slug: 'NOTION_GET_PAGE',
  name: 'Get Notion page',
  description: 'Gets a page, with its plain text content.',
  toolkit: 'notion',
  important: false,
  hints: READS,
  scopes: ['read_content'],
  input: {
    type: 'object',
    properties: { page_id: { type: 'string', minLength: 1 } },
    required: ['page_id'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { id: { type: 'string' } } },
  run(ctx, { page_id }) {
    const w = world(ctx);
    const p = w.pages.find((x) => x.id === page_id);
    if (!p) return fail(`object_not_found: could not find page with id '${page_id}'`);
    return ok({ ...pageJson(w, p), content: p.content });
  },
});

export const NOTION_TOOLS: Tool[] = [createPage, search, getPage];
