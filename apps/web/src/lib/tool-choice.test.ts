import { describe, expect, it } from 'vitest';
import { toggleTool, toolOptions } from './tool-choice.ts';

const catalog = [
  { slug: 'GITHUB_GET_REPO', name: 'Get a repository' },
  { slug: 'GITHUB_LIST_REPOS', name: 'List repositories' },
  { slug: 'GITHUB_CREATE_ISSUE', name: 'Create an issue' },
];

describe('toolOptions', () => {
  it('offers the catalog, ticking what the policy names', () => {
    expect(toolOptions(catalog, ['GITHUB_GET_REPO'], '')).toStrictEqual([
      { slug: 'GITHUB_GET_REPO', name: 'Get a repository', inCatalog: true, checked: true },
      { slug: 'GITHUB_LIST_REPOS', name: 'List repositories', inCatalog: true, checked: false },
      { slug: 'GITHUB_CREATE_ISSUE', name: 'Create an issue', inCatalog: true, checked: false },
    ]);
  });

  it('keeps a named tool the catalog no longer lists, first, so saving does not drop it', () => {
    expect(toolOptions(catalog, ['GITHUB_OLD_TOOL', 'GITHUB_GET_REPO'], '')[0]).toStrictEqual({
      slug: 'GITHUB_OLD_TOOL',
      name: 'GITHUB_OLD_TOOL',
      inCatalog: false,
      checked: true,
    });
  });

  it('filters by every word of the search, on name and slug, in any case', () => {
    expect(toolOptions(catalog, [], 'REPO list').map((o) => o.slug)).toStrictEqual([
      'GITHUB_LIST_REPOS',
    ]);
    expect(toolOptions(catalog, [], 'issue').map((o) => o.slug)).toStrictEqual([
      'GITHUB_CREATE_ISSUE',
    ]);
    expect(toolOptions(catalog, [], 'nothing like it')).toStrictEqual([]);
  });
});

describe('toggleTool', () => {
  it('adds and removes a slug once, whatever its case', () => {
    expect(toggleTool(['A_ONE'], 'B_TWO', true)).toStrictEqual(['A_ONE', 'B_TWO']);
    expect(toggleTool(['A_ONE', 'B_TWO'], 'b_two', false)).toStrictEqual(['A_ONE']);
    expect(toggleTool(['A_ONE'], 'A_ONE', true)).toStrictEqual(['A_ONE']);
  });
});
