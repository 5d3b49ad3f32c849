import { stableInt } from '../state/ids.js';
import { emailFromIdentity, loginFromIdentity } from './identity.js';
import { defineTool, fail, iso, ok, READS, type Tool, type ToolContext, WRITES } from './tool.js';

export interface GithubIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  assignees: string[];
  author: string;
  created_at: string;
}

export interface GithubRepo {
  id: number;
  name: string;
  description: string;
  private: boolean;
  created_at: string;
  issues: GithubIssue[];
}

export interface GithubWorld {
  login: string;
  name: string;
  email: string;
  repos: GithubRepo[];
}

const SEEDED_AT = '2026-01-05T09:00:00.000Z';
const WEB = 'https://github.example.test';

/** `alice-work@example.test` → login `alice-work`, repos `alice-work/notes` and `alice-work/website`. */
export function seedGithub(identity: string): GithubWorld {
  const login = loginFromIdentity(identity);
  const repo = (name: string, description: string, isPrivate: boolean): GithubRepo => ({
    id: stableInt(`github:repo:${login}/${name}`),
    name,
    description,
    private: isPrivate,
    created_at: SEEDED_AT,
    issues: [],
  });
  const notes = repo('notes', `Private notes of ${login}`, true);
  const website = repo('website', `${login}'s personal website`, false);
  website.issues.push({
    id: stableInt(`github:issue:${login}/website#1`),
    number: 1,
    title: 'Fix broken link in footer',
    body: 'The "about" link in the footer returns 404.',
    state: 'open',
    labels: ['bug'],
    assignees: [],
    author: login,
    created_at: SEEDED_AT,
  });
  return { login, name: login, email: emailFromIdentity(identity), repos: [notes, website] };
}

function world(ctx: ToolContext): GithubWorld {
  ctx.account.world.github ??= seedGithub(ctx.identity);
  return ctx.account.world.github;
}

function findRepo(w: GithubWorld, owner: string, repo: string): GithubRepo | undefined {
  if (owner.toLowerCase() !== w.login) return undefined;
  return w.repos.find((r) => r.name.toLowerCase() === repo.toLowerCase());
}

function notFound(w: GithubWorld, owner: string, repo: string) {
  return fail(
    `Not Found (404): repository '${owner}/${repo}' does not exist or is not visible to '${w.login}'`,
  );
}

function repoJson(w: GithubWorld, r: GithubRepo) {
  return {
    id: r.id,
    name: r.name,
    full_name: `${w.login}/${r.name}`,
    owner: { login: w.login, type: 'User' },
    private: r.private,
    visibility: r.private ? 'private' : 'public',
    description: r.description,
    default_branch: 'main',
    html_url: `${WEB}/${w.login}/${r.name}`,
    open_issues_count: r.issues.filter((i) => i.state === 'open').length,
    created_at: r.created_at,
  };
}

function issueJson(w: GithubWorld, r: GithubRepo, i: GithubIssue) {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    labels: i.labels.map((name) => ({ name })),
    assignees: i.assignees.map((login) => ({ login })),
    user: { login: i.author },
    html_url: `${WEB}/${w.login}/${r.name}/issues/${i.number}`,
    created_at: i.created_at,
  };
}

const ownerRepo = {
  owner: { type: 'string', description: 'The account owner of the repository.', minLength: 1 },
  repo: { type: 'string', description: 'The name of the repository.', minLength: 1 },
} as const;

const getRepo = defineTool<{ owner: string; repo: string }>({
  slug: 'GITHUB_GET_REPO',
  name: 'Get a repository',
  description: 'Gets a repository the authenticated user can see.',
  toolkit: 'github',
  important: true,
  hints: READS,
  scopes: ['repo'],
  input: {
    type: 'object',
    properties: ownerRepo,
    required: ['owner', 'repo'],
    additionalProperties: false,
  },
  output: { type: 'object', description: 'The repository.' },
  run(ctx, { owner, repo }) {
    const w = world(ctx);
    const r = findRepo(w, owner, repo);
    return r ? ok(repoJson(w, r)) : notFound(w, owner, repo);
  },
});

const listRepos = defineTool<{
  visibility?: 'all' | 'public' | 'private';
  per_page?: number;
  page?: number;
}>({
  slug: 'GITHUB_LIST_REPOS',
  name: 'List repositories for the authenticated user',
  description: 'Lists the repositories of the authenticated user.',
  toolkit: 'github',
  important: true,
  hints: READS,
  scopes: ['repo'],
  input: {
    type: 'object',
    properties: {
      visibility: { type: 'string', enum: ['all', 'public', 'private'], default: 'all' },
      per_page: { type: 'integer', minimum: 1, maximum: 100, default: 30 },
      page: { type: 'integer', minimum: 1, default: 1 },
    },
    additionalProperties: false,
  },
  output: { type: 'object', properties: { repositories: { type: 'array' } } },
  run(ctx, { visibility = 'all', per_page = 30, page = 1 }) {
    const w = world(ctx);
    const visible = w.repos.filter(
      (r) => visibility === 'all' || (visibility === 'private') === r.private,
    );
    const start = (page - 1) * per_page;
    return ok({
      repositories: visible.slice(start, start + per_page).map((r) => repoJson(w, r)),
      total_count: visible.length,
    });
  },
});

const createIssue = defineTool<{
  owner: string;
  repo: string;
  title: string;
  body?: string;
  labels?: string[];
  assignees?: string[];
}>({
  slug: 'GITHUB_CREATE_ISSUE',
  name: 'Create an issue',
  description: 'Creates an issue in a repository of the authenticated user.',
  toolkit: 'github',
  important: true,
  hints: WRITES,
  scopes: ['repo'],
  input: {
    type: 'object',
    properties: {
      ...ownerRepo,
      title: { type: 'string', description: 'The title of the issue.', minLength: 1 },
      body: { type: 'string', description: 'The contents of the issue.' },
      labels: { type: 'array', items: { type: 'string' } },
      assignees: { type: 'array', items: { type: 'string' } },
    },
    required: ['owner', 'repo', 'title'],
    additionalProperties: false,
  },
  output: { type: 'object', description: 'The created issue.' },
  run(ctx, { owner, repo, title, body, labels = [], assignees = [] }) {
    const w = world(ctx);
    const r = findRepo(w, owner, repo);
    if (!r) return notFound(w, owner, repo);
    const number = r.issues.reduce((max, i) => Math.max(max, i.number), 0) + 1;
    const issue: GithubIssue = {
      id: stableInt(`github:issue:${ctx.account.id}:${r.name}#${number}`),
      number,
      title,
      body: body ?? null,
      state: 'open',
      labels,
      assignees,
      author: w.login,
      created_at: iso(ctx.now),
    };
    r.issues.push(issue);
    const json = issueJson(w, r, issue);
    ctx.record('github_issue', { repo: `${w.login}/${r.name}`, number, title });
    return ok(json);
  },
});

const listIssues = defineTool<{
  owner: string;
  repo: string;
  state?: 'open' | 'closed' | 'all';
  per_page?: number;
}>({
  slug: 'GITHUB_LIST_ISSUES',
  name: 'List repository issues',
  description: 'Lists issues of a repository, newest first.',
  toolkit: 'github',
  important: false,
  hints: READS,
  scopes: ['repo'],
  input: {
    type: 'object',
    properties: {
      ...ownerRepo,
      state: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open' },
      per_page: { type: 'integer', minimum: 1, maximum: 100, default: 30 },
    },
    required: ['owner', 'repo'],
    additionalProperties: false,
  },
  output: { type: 'object', properties: { issues: { type: 'array' } } },
  run(ctx, { owner, repo, state = 'open', per_page = 30 }) {
    const w = world(ctx);
    const r = findRepo(w, owner, repo);
    if (!r) return notFound(w, owner, repo);
    const issues = r.issues
      .filter((i) => state === 'all' || i.state === state)
      .sort((a, b) => b.number - a.number)
      .slice(0, per_page)
      .map((i) => issueJson(w, r, i));
    return ok({ issues });
  },
});

const getAuthenticatedUser = defineTool<Record<string, never>>({
  slug: 'GITHUB_GET_THE_AUTHENTICATED_USER',
  name: 'Get the authenticated user',
  description: 'Gets the profile of the GitHub user the connected account belongs to.',
  toolkit: 'github',
  important: false,
  hints: READS,
  scopes: ['read:user'],
  input: { type: 'object', properties: {}, additionalProperties: false },
  output: { type: 'object', description: 'The user.' },
  run(ctx) {
    const w = world(ctx);
    return ok({
      login: w.login,
      id: stableInt(`github:user:${w.login}`),
      name: w.name,
      email: w.email,
      html_url: `${WEB}/${w.login}`,
      public_repos: w.repos.filter((r) => !r.private).length,
    });
  },
});

export const GITHUB_TOOLS: Tool[] = [
  getRepo,
  listRepos,
  createIssue,
  listIssues,
  getAuthenticatedUser,
];
