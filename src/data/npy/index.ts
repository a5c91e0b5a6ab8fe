/**
 * numpy's `.npy` files (format versions 1.0, 2.0 and 3.0) as {@link Matrix}es, in the article's
 * orientation: a 2-D array is rows×cols as it is, a 1-D array of n values is one row (1×n).
 * See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

export type { NpyFloat } from './floats';
export { NpyColumnReader, readNpy, readNpyHeader, type NpyHeader } from './reader';
export { NpyAppender, NpyWriter, writeNpy, type ByteSink } from './writer';
