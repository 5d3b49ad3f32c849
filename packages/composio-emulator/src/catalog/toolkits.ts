/** The toolkits the emulator serves. Each is Composio-managed OAuth2. */
export interface ToolkitInfo {
  slug: string;
  name: string;
  description: string;
  category: { slug: string; name: string };
  appUrl: string;
  baseUrl: string;
  scopes: string[];
  getCurrentUserEndpoint: string;
}

export const TOOLKITS: readonly ToolkitInfo[] = [
  {
    slug: 'github',
    name: 'GitHub',
    description: 'Code hosting: repositories, issues and pull requests.',
    category: { slug: 'developer-tools', name: 'Developer Tools' },
    appUrl: 'https://github.com',
    baseUrl: 'https://api.github.com',
    scopes: ['repo', 'read:user'],
    getCurrentUserEndpoint: '/user',
  },
  {
    slug: 'gmail',
    name: 'Gmail',
    description: 'E-mail: send, search and read messages.',
    category: { slug: 'communication', name: 'Communication' },
    appUrl: 'https://mail.google.com',
    baseUrl: 'https://gmail.googleapis.com',
    scopes: [
      'https://www.googleapis.com/auth/gmail.send',
      'https://www.googleapis.com/auth/gmail.readonly',
    ],
    getCurrentUserEndpoint: '/gmail/v1/users/me/profile',
  },
  {
    slug: 'slack',
    name: 'Slack',
    description: 'Team chat: channels and messages.',
    category: { slug: 'communication', name: 'Communication' },
    appUrl: 'https://slack.com',
    baseUrl: 'https://slack.com/api',
    scopes: ['chat:write', 'channels:read', 'channels:history'],
    getCurrentUserEndpoint: '/auth.test',
  },
  {
    slug: 'notion',
    name: 'Notion',
    description: 'Notes and docs: pages and search.',
    category: { slug: 'productivity', name: 'Productivity' },
    appUrl: 'https://notion.so',
    baseUrl: 'https://api.notion.com/v1',
    scopes: ['read_content', 'insert_content'],
    getCurrentUserEndpoint: '/users/me',
  },
];

/** The version every tool reports; any requested version is accepted. */
export const TOOL_VERSION = '20251101_00';
export const AVAILABLE_VERSIONS = [TOOL_VERSION, '20250909_00'];

/** Fixed catalog timestamps, so responses are stable across runs. */
export const CATALOG_CREATED_AT = '2025-01-01T00:00:00.000Z';
export const CATALOG_UPDATED_AT = '2025-11-01T00:00:00.000Z';

export function findToolkit(slug: string): ToolkitInfo | undefined {
  const wanted = slug.toLowerCase();
  return TOOLKITS.find((t) => t.slug === wanted);
}

export const logoFor = (slug: string) => `https://logos.composio.dev/api/${slug}`;
