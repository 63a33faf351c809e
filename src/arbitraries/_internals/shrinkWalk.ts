import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * For tests of arbitraries: a walk of up to 200 shrink steps from the value generated with `seed`, taking at each
 * step one of the first six shrinks (cycling through them), so that a test can assert that every shrink keeps the
 * arbitrary's promise.
 */
export function* shrinkWalk<T>(arb: fc.Arbitrary<T>, seed: number): Generator<T> {
  let node = arb.generate(new fc.Random(xoroshiro128plus(seed)), undefined);
  for (let step = 0; step < 200; step++) {
    const children = [...arb.shrink(node.value_, node.context).take(6)];
    if (children.length === 0) return;
    node = children[step % children.length];
    yield node.value;
  }
}
