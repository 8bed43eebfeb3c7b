/** Split pruning, without a database (split checks at ReadRecords need one: splits.test.ts, partitions.test.ts). */
import { Int32, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { pruneSplits } from '../src/aurora-splits.js';
import { inList, ranges } from './support/value-sets.js';

const splits = [
  { kind: 'range', key: 'k', high: '10' },
  { kind: 'range', key: 'k', low: '10', high: '20' },
  { kind: 'range', key: 'k', low: '20' },
  { kind: 'null', key: 'k' },
];

describe('pruneSplits', () => {
  it('keeps only ranges overlapping the allowed intervals, exclusive bounds included', () => {
    expect(pruneSplits(splits, { k: ranges(new Int32(), [{ low: 10, high: 19 }]) })).toEqual([splits[1]]);
    expect(
      pruneSplits(splits, {
        k: ranges(new Int32(), [{ low: 9, high: 20, lowInclusive: false, highInclusive: false }]),
      }),
    ).toEqual([splits[1]]);
    expect(pruneSplits(splits, { k: ranges(new Int32(), [{ high: 9 }, { low: 25 }], true) })).toEqual([
      splits[0],
      splits[2],
      splits[3],
    ]);
    expect(pruneSplits(splits, { k: inList(new Int32(), [20]) })).toEqual([splits[2]]);
  });
  it('keeps everything when the constraint is not on the key or not integral', () => {
    expect(pruneSplits(splits, { other: inList(new Int32(), [1]) })).toEqual(splits);
    expect(pruneSplits(splits, { k: inList(new Utf8(), ['1']) })).toEqual(splits);
  });
});

describe('pruneSplits on partitions', () => {
  const partitions = [
    { kind: 'partition', partition: 'p0', key: 'k', nulls: 'true', high: '10' },
    { kind: 'partition', partition: 'p1', key: 'k', low: '10', high: '20' },
    { kind: 'partition', partition: 'pmax', key: 'k', low: '20' },
  ];
  const lists = [
    { kind: 'partition', partition: 'odd', key: 'k', values: '1,3,5' },
    { kind: 'partition', partition: 'even', key: 'k', values: '2,4', nulls: 'true' },
    { kind: 'partition', partition: 'other' },
  ];
  it('drops RANGE partitions outside the constraint and keeps the NULL partition only for NULL', () => {
    expect(pruneSplits(partitions, { k: ranges(new Int32(), [{ low: 12, high: 15 }]) })).toEqual([partitions[1]]);
    expect(pruneSplits(partitions, { k: ranges(new Int32(), [{ low: 25 }], true) })).toEqual([
      partitions[0],
      partitions[2],
    ]);
    expect(pruneSplits(partitions, { k: inList(new Int32(), [9, 10]) })).toEqual([partitions[0], partitions[1]]);
  });
  it('drops LIST partitions whose values are all excluded, never a partition without bounds', () => {
    expect(pruneSplits(lists, { k: inList(new Int32(), [3]) })).toEqual([lists[0], lists[2]]);
    expect(
      pruneSplits(lists, {
        k: {
          '@type': 'AllOrNoneValueSet',
          type: { '@type': 'Int', bitWidth: 32, isSigned: true },
          all: false,
          nullAllowed: true,
        },
      }),
    ).toEqual([lists[1], lists[2]]);
  });
});
