// Spill key naming: split directories and the numbered block objects under them (PROTOCOL.md §5.2).
import { describe, expect, it } from 'vitest';
import { makeSpillDirectory, spillBlockLocation } from '../../src/spill/spill-location.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('makeSpillDirectory', () => {
  it('is <prefix>/<queryId>/<uuid>, a directory in the bucket', () => {
    const location = makeSpillDirectory({
      bucket: 'spill-bucket',
      prefix: 'athena-federation-spill',
      queryId: 'q-123',
    });
    expect(location['@type']).toBe('S3SpillLocation');
    expect(location.bucket).toBe('spill-bucket');
    expect(location.directory).toBe(true);
    const [prefix, queryId, uuid, ...rest] = location.key.split('/');
    expect([prefix, queryId, rest]).toEqual(['athena-federation-spill', 'q-123', []]);
    expect(uuid).toMatch(UUID);
  });

  it('drops the query id when the prefix already contains it', () => {
    const location = makeSpillDirectory({ bucket: 'b', prefix: 'spill/q-123', queryId: 'q-123' });
    expect(location.key).toMatch(/^spill\/q-123\/[0-9a-f-]{36}$/);
    const embedded = makeSpillDirectory({ bucket: 'b', prefix: 'athena/query-q-123-results', queryId: 'q-123' });
    expect(embedded.key).toMatch(/^athena\/query-q-123-results\/[0-9a-f-]{36}$/);
  });

  it('keeps a nested prefix and never writes an empty path segment', () => {
    expect(makeSpillDirectory({ bucket: 'b', prefix: 'a/b/', queryId: 'q' }).key).toMatch(/^a\/b\/q\/[0-9a-f-]{36}$/);
    expect(makeSpillDirectory({ bucket: 'b', prefix: '', queryId: 'q' }).key).toMatch(/^q\/[0-9a-f-]{36}$/);
  });

  it('is unique per call', () => {
    const keys = new Set(
      Array.from({ length: 50 }, () => makeSpillDirectory({ bucket: 'b', prefix: 'p', queryId: 'q' }).key),
    );
    expect(keys.size).toBe(50);
  });
});

describe('spillBlockLocation', () => {
  const directory = makeSpillDirectory({ bucket: 'b', prefix: 'p', queryId: 'q' });

  it('is <directory key>.<n>, not a directory', () => {
    expect(spillBlockLocation(directory, 0)).toEqual({
      '@type': 'S3SpillLocation',
      bucket: 'b',
      key: `${directory.key}.0`,
      directory: false,
    });
    expect(spillBlockLocation(directory, 12).key).toBe(`${directory.key}.12`);
  });

  it('refuses a block location as the directory and invalid numbers', () => {
    expect(() => spillBlockLocation(spillBlockLocation(directory, 0), 1)).toThrow(/not a directory/);
    expect(() => spillBlockLocation(directory, -1)).toThrow(RangeError);
    expect(() => spillBlockLocation(directory, 1.5)).toThrow(RangeError);
  });
});
