import { describe, expect, it } from 'vitest';
import { DbtGraph } from '../../src/core/graph/graph.js';
import { node } from '../helpers/manifest-node.js';

const slice = (start: Int32Array, list: Int32Array, i: number): number[] => [
  ...list.subarray(start[i]!, start[i + 1]!),
];

describe('DbtGraph (the planner reads its dense form)', () => {
  const graph = new DbtGraph([
    node('model.p.c', ['model.p.b', 'model.p.a', 'model.p.b', 'model.p.c', 'macro.p.m', 'model.p.off']),
    node('model.p.a'),
    node('model.p.off', [], { enabled: false }),
    node('model.p.b', ['model.p.a']),
    node('test.p.t', ['model.p.c', 'model.p.a']),
  ]);

  it('numbers enabled nodes in the order given and finds them by id', () => {
    expect(graph.dense.ids).toEqual(['model.p.c', 'model.p.a', 'model.p.b', 'test.p.t']);
    expect(graph.dense.ids.map((id) => graph.indexOf(id))).toEqual([0, 1, 2, 3]);
    expect(graph.indexOf('model.p.off')).toBe(-1);
    expect(graph.dense.nodes.map((n) => n.uniqueId)).toEqual(graph.dense.ids);
  });

  it('keeps each edge once and drops self-edges and edges to unknown or disabled ids', () => {
    const { parentStart, parentList, childStart, childList } = graph.dense;
    expect(slice(parentStart, parentList, 0)).toEqual([2, 1]); // c: b, a (declared order, deduplicated)
    expect(slice(parentStart, parentList, 3)).toEqual([0, 1]);
    expect(slice(childStart, childList, 1)).toEqual([0, 2, 3]); // a: c, b, t by index
    expect(parentList.length).toBe(childList.length);
  });

  it('answers parents and children as sorted ids, the same list on every call', () => {
    expect(graph.parents('model.p.c')).toEqual(['model.p.a', 'model.p.b']);
    expect(graph.children('model.p.a')).toEqual(['model.p.b', 'model.p.c', 'test.p.t']);
    expect(graph.parents('model.p.c')).toBe(graph.parents('model.p.c'));
    expect(graph.parents('model.p.nope')).toEqual([]);
    expect(graph.children('test.p.t')).toEqual([]);
    expect([...graph.reach(['test.p.t'], 'up')].sort()).toEqual(['model.p.a', 'model.p.b', 'model.p.c']);
  });

  it('lets the last definition of a repeated id win, at the position of the first', () => {
    const g = new DbtGraph([node('model.p.x', ['model.p.y']), node('model.p.y'), node('model.p.x')]);
    expect(g.dense.ids).toEqual(['model.p.x', 'model.p.y']);
    expect(g.parents('model.p.x')).toEqual([]);
    expect(g.children('model.p.y')).toEqual([]);
    expect(g.get('model.p.x')!.dependsOn).toEqual([]);
  });
});
