import { describe, expect, it } from 'vitest';
import { parseToolList } from './tool-list.ts';

describe('parseToolList', () => {
  it('takes slugs separated by lines, commas or spaces, upper-cased and deduplicated', () => {
    expect(parseToolList('github_get_repo, GITHUB_LIST_REPOS\n\n GITHUB_GET_REPO ')).toStrictEqual({
      tools: ['GITHUB_GET_REPO', 'GITHUB_LIST_REPOS'],
      invalid: [],
    });
  });

  it('returns what is not a tool slug apart', () => {
    expect(parseToolList('SLACK_SEND_MESSAGE slack-send')).toStrictEqual({
      tools: ['SLACK_SEND_MESSAGE'],
      invalid: ['SLACK-SEND'],
    });
    expect(parseToolList('')).toStrictEqual({ tools: [], invalid: [] });
  });
});
