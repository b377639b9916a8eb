import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticNodes, leafBelongs, leafHash, merkleTree, rootFromPath } from '../messages/merkle-batch.ts';

// The tree of RFC 9162, section 2.1.1, written out as its definition reads, to hold the
// fast builder and the path verifier to it.
const hash = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hash(Buffer.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));

describe('Merkle batches (RFC 9162)', () => {
  it('builds the root the definition gives, and every audit path leads back to it, for 1 to 70 leaves', () => {
    for (let n = 1; n <= 70; n++) {
      const leaves = leavesOf(n);
      const { root, paths } = merkleTree(leaves);
      expect(root.equals(mth(leaves)), `root of ${n}`).toBe(true);
      leaves.forEach((leaf, i) => {
        expect(rootFromPath(leaf, i, n, paths[i] ?? [])?.equals(root), `leaf ${i} of ${n}`).toBe(true);
      });
    }
  });

  it('hashes a leaf with 0x00 before it, so a node never passes for a leaf', () => {
    expect(leafHash(Buffer.from('x')).equals(hash(Buffer.of(0), Buffer.from('x')))).toBe(true);
    const leaves = leavesOf(4);
    const { root, paths } = merkleTree(leaves);
    // The left node of the tree, offered as a leaf of a tree of two.
    const left = mth(leaves.slice(0, 2));
    expect(rootFromPath(left, 0, 2, [paths[3]?.[1] as Buffer])?.equals(root)).toBe(false);
  });

  it('refuses a path that cannot belong to a tree of that size, or a place outside it', () => {
    const leaves = leavesOf(5);
    const { root, paths } = merkleTree(leaves);
    const leaf = leaves[2] as Buffer;
    const path = paths[2] ?? [];
    expect(rootFromPath(leaf, 2, 5, path)?.equals(root)).toBe(true);
    expect(rootFromPath(leaf, 2, 5, [...path, root])).toBeUndefined();
    expect(rootFromPath(leaf, 2, 5, path.slice(1))).toBeUndefined();
    expect(rootFromPath(leaf, 5, 5, path)).toBeUndefined();
    expect(rootFromPath(leaf, -1, 5, path)).toBeUndefined();
    expect(rootFromPath(leaf, 3, 5, path)?.equals(root) ?? false).toBe(false);
    expect(() => merkleTree([])).toThrow(RangeError);
  });

  it('accepts each leaf once others authenticated part of the tree, in any order, and refuses a forgery met on the way', () => {
    for (let n = 1; n <= 40; n++) {
      const leaves = leavesOf(n);
      const { root, paths } = merkleTree(leaves);
      const known = authenticNodes(root, n);
      // Verified in a scrambled order (stride 7, coprime to most sizes, then the rest).
      const order = [...new Set([...Array.from({ length: n }, (_, i) => (i * 7) % n), ...leaves.keys()])];
      for (const i of order) {
        const path = paths[i] ?? [];
        const at = (k: number) => path[k] as Buffer;
        const other = leaves[(i + 1) % n] as Buffer;
        // Another leaf at this place, or this leaf at another place: refused before and after it is known.
        if (n > 1)
          expect(leafBelongs(known, other, i, path.length, at), `leaf ${(i + 1) % n} as ${i} of ${n}`).toBe(false);
        expect(leafBelongs(known, leaves[i] as Buffer, i, path.length, at), `leaf ${i} of ${n}`).toBe(true);
        expect(leafBelongs(known, leaves[i] as Buffer, n, path.length, at)).toBe(false);
      }
      // Every node known now: a forged leaf meets its place's authentic hash at once.
      if (n > 1) expect(leafBelongs(known, leafHash(Buffer.from('forged')), 0, 0, () => Buffer.alloc(32))).toBe(false);
    }
  });

  it('agrees with RFC 9162 as written on a tree it knows nothing of, for every leaf, place and shortened path', () => {
    for (let n = 1; n <= 20; n++) {
      const leaves = leavesOf(n);
      const { root, paths } = merkleTree(leaves);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= n; j++) {
          const path = paths[i] ?? [];
          for (const tried of [path, path.slice(1), [...path, root]]) {
            const expected = rootFromPath(leaves[i] as Buffer, j, n, tried)?.equals(root) ?? false;
            const got = leafBelongs(
              authenticNodes(root, n),
              leaves[i] as Buffer,
              j,
              tried.length,
              (k) => tried[k] as Buffer,
            );
            expect(got, `leaf ${i} at ${j} of ${n}, path of ${tried.length}`).toBe(expected);
          }
        }
    }
  });

  it('learns nothing from a path that does not reach the signed root', () => {
    const leaves = leavesOf(6);
    const { root, paths } = merkleTree(leaves);
    const known = authenticNodes(root, 6);
    const forged = [Buffer.alloc(32, 1), ...(paths[0] ?? []).slice(1)];
    expect(leafBelongs(known, leafHash(Buffer.from('forged')), 0, forged.length, (k) => forged[k] as Buffer)).toBe(
      false,
    );
    expect(known.nodes.size).toBe(0);
    // The forged sibling was not taken as authentic: the real leaf 1 still passes.
    expect(leafBelongs(known, leaves[1] as Buffer, 1, paths[1]?.length ?? 0, (k) => paths[1]?.[k] as Buffer)).toBe(
      true,
    );
    expect(leafBelongs(known, leafHash(Buffer.from('forged')), 0, forged.length, (k) => forged[k] as Buffer)).toBe(
      false,
    );
  });
});
