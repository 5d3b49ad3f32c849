import { describe, expect, it } from 'vitest';
import { caseTwins } from './member-ids.ts';

const members = [{ userId: 'alice' }, { userId: 'bob' }, { userId: 'Bob' }];

describe('caseTwins', () => {
  it('finds members whose id differs only by case', () => {
    expect(caseTwins(members, 'Alice')).toStrictEqual([{ userId: 'alice' }]);
    expect(caseTwins(members, 'BOB')).toStrictEqual([{ userId: 'bob' }, { userId: 'Bob' }]);
    expect(caseTwins(members, ' ALICE ')).toStrictEqual([{ userId: 'alice' }]);
    // Changing an existing member's role: the other spelling is still a different person.
    expect(caseTwins(members, 'Bob')).toStrictEqual([{ userId: 'bob' }]);
  });

  it('is quiet for the same id, a new one, or nothing typed', () => {
    expect(caseTwins(members, 'alice')).toStrictEqual([]);
    expect(caseTwins(members, 'erin')).toStrictEqual([]);
    expect(caseTwins(members, '  ')).toStrictEqual([]);
  });
});
