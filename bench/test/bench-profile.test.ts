import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'chai';
import { useBackend } from '../../src/backend';
import { matrix } from '../../src/matrix';
import { AND_X, AND_Y } from '../../test/fixtures';
import { profileOps } from '../profile';

const fromRows = (rows: readonly (readonly number[])[]) => matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

// What the breakdown holds, never how long anything took.
describe('profileOps (where the time goes in the tfjs ops), on cpu', () => {
  const ITERATIONS = 5;

  before(async () => {
    await useBackend('cpu');
  });

  it('names the kernels of the article\'s update, counts their calls, and its shares add up to 1, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    const kernels = await profileOps('cpu', fromRows(AND_X), fromRows(AND_Y), ITERATIONS);
    expect(tf.memory().numTensors).to.equal(before);

    const names = kernels.map((k) => k.kernel);
    const matMul = kernels.filter((k) => ['MatMul', '_FusedMatMul', 'BatchMatMul'].includes(k.kernel));
    expect(matMul, `kernels: ${names.join(', ')}`).to.not.be.empty;
    expect(matMul.reduce((n, k) => n + k.calls, 0)).to.equal(2 * ITERATIONS); // Wᵀ·x and x·eᵀ
    expect(names).to.include.members(['Sigmoid', 'GreaterEqual']);
    expect(kernels.find((k) => k.kernel === 'Sigmoid')!.calls).to.equal(ITERATIONS);
    expect(kernels.find((k) => k.kernel === 'GreaterEqual')!.calls).to.equal(ITERATIONS);
    expect(new Set(names).size, 'one entry per kernel name').to.equal(names.length);

    const shares = kernels.reduce((s, k) => s + k.share, 0);
    expect(Math.abs(shares - 1)).to.be.at.most(1e-9);
    for (const k of kernels) {
      expect(k.ms, k.kernel).to.be.at.least(0);
      expect(k.share, k.kernel).to.be.within(0, 1);
    }
    for (let i = 1; i < kernels.length; i++) expect(kernels[i - 1].ms).to.be.at.least(kernels[i].ms); // largest first
  });

  it('returns nothing for no iterations and rejects x and y of different sample counts, leaving no tensors', async () => {
    const before = tf.memory().numTensors;
    expect(await profileOps('cpu', fromRows(AND_X), fromRows(AND_Y), 0)).to.deep.equal([]);
    let error: unknown;
    try {
      await profileOps('cpu', fromRows(AND_X), fromRows([[0, 1]]), 1);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(Error);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
