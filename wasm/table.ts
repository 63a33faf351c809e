// The kernels' argument tables: i32 words at a byte offset t, laid out by the JavaScript side
// (src/trainer/kernels/marginVectorWasm.ts, rowSplit.ts); each kernel's file gives its layout.

/** word i of the table at t */
@inline export function word(t: usize, i: i32): i32 {
  return load<i32>(t + (<usize>i << 2));
}
