import { describe, expect, it } from 'vitest';
import {
  argumentsFromValues,
  emptyValues,
  formFromSchema,
  optionValue,
  parseRawArguments,
  valuesFromArguments,
} from './schema-form.ts';

// Shaped like the emulator's GITHUB_CREATE_ISSUE and GITHUB_LIST_REPOS input schemas.
const createIssue = {
  type: 'object',
  properties: {
    owner: { type: 'string', description: 'The account owner of the repository.', minLength: 1 },
    repo: { type: 'string', minLength: 1 },
    title: { type: 'string', minLength: 1 },
    body: { type: 'string', description: 'The contents of the issue.' },
    labels: { type: 'array', items: { type: 'string' } },
  },
  required: ['owner', 'repo', 'title'],
  additionalProperties: false,
};

const listRepos = {
  type: 'object',
  properties: {
    visibility: { type: 'string', enum: ['all', 'public', 'private'], default: 'all' },
    per_page: { type: 'integer', minimum: 1, maximum: 100, default: 30 },
    include_forks: { type: 'boolean' },
    ratio: { type: ['number', 'null'] },
    filter: { type: 'object', properties: { q: { type: 'string' } } },
    ids: { type: 'array', items: { type: 'integer' } },
  },
};

describe('formFromSchema', () => {
  it('builds one field per property, required first, with kinds from the types', () => {
    const model = formFromSchema(createIssue);
    expect(model.supported).toBe(true);
    expect(model.fields.map((f) => [f.name, f.kind, f.required])).toStrictEqual([
      ['owner', 'text', true],
      ['repo', 'text', true],
      ['title', 'text', true],
      ['body', 'text', false],
      ['labels', 'list', false],
    ]);
    const owner = model.fields[0];
    expect(owner).toMatchObject({
      label: 'Owner',
      description: 'The account owner of the repository.',
      minLength: 1,
      multiline: false,
    });
    expect(model.fields.find((f) => f.name === 'body')?.multiline).toBe(true);
  });

  it('maps enums to selects, numbers with their bounds, nested objects to JSON', () => {
    const fields = Object.fromEntries(formFromSchema(listRepos).fields.map((f) => [f.name, f]));
    expect(fields.visibility).toMatchObject({
      kind: 'select',
      options: ['all', 'public', 'private'],
      placeholder: 'default: all',
    });
    expect(fields.per_page).toMatchObject({
      kind: 'integer',
      minimum: 1,
      maximum: 100,
      label: 'Per page',
    });
    expect(fields.include_forks?.kind).toBe('boolean');
    expect(fields.ratio?.kind).toBe('number');
    expect(fields.filter?.kind).toBe('json');
    expect(fields.ids).toMatchObject({ kind: 'list', itemKind: 'integer' });
  });

  it('falls back to raw JSON for schemas that are not objects with properties', () => {
    expect(formFromSchema(undefined).supported).toBe(false);
    expect(formFromSchema({ type: 'string' }).supported).toBe(false);
    expect(formFromSchema({ type: 'object', properties: {} })).toStrictEqual({
      fields: [],
      supported: true,
    });
  });

  it('uses examples as placeholders when there is no default', () => {
    const model = formFromSchema({
      type: 'object',
      properties: { to: { type: 'string', examples: ['bob@example.test'] } },
    });
    expect(model.fields[0]?.placeholder).toBe('e.g. bob@example.test');
  });
});

describe('argumentsFromValues', () => {
  it('types every value and leaves empty optional fields out', () => {
    const model = formFromSchema(listRepos);
    const values = {
      ...emptyValues(model),
      visibility: optionValue('private'),
      per_page: '50',
      include_forks: 'false',
      ratio: '0.5',
      filter: '{"q": "notes"}',
      ids: '3\n 4 \n',
    };
    expect(argumentsFromValues(model, values)).toStrictEqual({
      ok: true,
      value: {
        visibility: 'private',
        per_page: 50,
        include_forks: false,
        ratio: 0.5,
        filter: { q: 'notes' },
        ids: [3, 4],
      },
    });
    expect(argumentsFromValues(model, emptyValues(model))).toStrictEqual({ ok: true, value: {} });
  });

  it('reports each bad field by name, keeping the good ones for raw mode', () => {
    const model = formFromSchema({
      ...listRepos,
      properties: { ...listRepos.properties, name: { type: 'string', pattern: '^[a-z]+$' } },
      required: ['name'],
    });
    const values = {
      ...emptyValues(model),
      visibility: optionValue('everything'),
      per_page: '1.5',
      filter: '{not json',
      ids: '1\nx',
      ratio: '2',
    };
    const result = argumentsFromValues(model, values);
    expect(result).toStrictEqual({
      ok: false,
      errors: {
        name: 'is required',
        visibility: 'pick one of the options',
        per_page: 'must be a whole number',
        filter: 'must be valid JSON',
        ids: '"x" must be a number',
      },
      value: { ratio: 2 },
    });
  });

  it('checks bounds, lengths and patterns', () => {
    const model = formFromSchema({
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 1, maximum: 10 },
        code: { type: 'string', pattern: '^[A-Z]{3}$' },
        title: { type: 'string', minLength: 3 },
      },
    });
    const result = argumentsFromValues(model, { n: '11', code: 'abc', title: 'ab' });
    expect(result.ok ? {} : result.errors).toStrictEqual({
      n: 'must be at most 10',
      code: 'has the wrong format',
      title: 'needs 3+ characters',
    });
  });

  it('keeps strings as typed, including spaces', () => {
    const model = formFromSchema(createIssue);
    const result = argumentsFromValues(model, {
      owner: 'alice',
      repo: 'notes',
      title: '  Spaced title ',
      body: '',
      labels: 'bug\nhelp wanted',
    });
    expect(result).toStrictEqual({
      ok: true,
      value: {
        owner: 'alice',
        repo: 'notes',
        title: '  Spaced title ',
        labels: ['bug', 'help wanted'],
      },
    });
  });
});

describe('valuesFromArguments', () => {
  it('round-trips through the form', () => {
    const model = formFromSchema(listRepos);
    const args = {
      visibility: 'public',
      per_page: 10,
      include_forks: true,
      ids: [1, 2],
      filter: { q: 'x' },
    };
    const { values, unknownKeys } = valuesFromArguments(model, args);
    expect(unknownKeys).toStrictEqual([]);
    expect(argumentsFromValues(model, values)).toStrictEqual({ ok: true, value: args });
  });

  it('names the keys the form has no field for', () => {
    const model = formFromSchema(createIssue);
    expect(valuesFromArguments(model, { owner: 'a', extra: 1 }).unknownKeys).toStrictEqual([
      'extra',
    ]);
  });
});

describe('parseRawArguments', () => {
  it('accepts one object, and an empty box as no arguments', () => {
    expect(parseRawArguments('{"a": 1}')).toStrictEqual({ ok: true, value: { a: 1 } });
    expect(parseRawArguments('  ')).toStrictEqual({ ok: true, value: {} });
  });

  it('refuses other JSON and broken JSON with a reason', () => {
    expect(parseRawArguments('[1]')).toStrictEqual({
      ok: false,
      error: 'The arguments must be one JSON object.',
    });
    const broken = parseRawArguments('{');
    expect(broken.ok).toBe(false);
    expect(broken.ok ? '' : broken.error).toMatch(/^Not valid JSON: /);
  });
});
