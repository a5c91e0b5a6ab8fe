import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Classifier } from '../classifier';
import type { Dataset } from '../data/dataset';
import { InputError } from '../errors';
import { toRows } from '../matrix';
import { saveClassifier } from '../model/file';
import { plotFormat } from '../plot/format';
import type { IterationStats } from '../network/network';
import type { OutputArgs, TrainReport } from './types';

/** Checks the output paths before training, so a long run is not lost to a typo. */
export function checkOutputs({ save, exportTfjs, plot }: OutputArgs): void {
  if (save !== undefined) checkFile('--save', save);
  if (plot !== undefined) {
    checkFile('--plot', plot);
    plotFormat(plot);
  }
  if (exportTfjs !== undefined) {
    if (exportTfjs === '') throw new InputError('--export-tfjs needs a folder name, got ""');
    if (existsSync(exportTfjs) && !statSync(exportTfjs).isDirectory()) {
      throw new InputError(`--export-tfjs: "${exportTfjs}" is a file; expected a folder (made if missing)`);
    }
  }
}

/** A file that can be written: a name, not a folder, in a folder that exists. */
function checkFile(option: string, path: string): void {
  if (path === '' || path.endsWith('/') || (existsSync(path) && statSync(path).isDirectory())) {
    throw new InputError(`${option}: "${path}" is not a file name; expected e.g. ${option === '--plot' ? 'plot.png' : 'model.json'}`);
  }
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new InputError(`${option}: the folder "${folder}" of "${path}" does not exist`);
  }
}

/** Saves the model, exports it for tfjs and draws the plot, as asked; returns what it wrote. */
export async function writeOutputs(
  outputs: OutputArgs,
  net: Classifier,
  data: Dataset,
  report: TrainReport,
  history: IterationStats[],
  training: Record<string, unknown>,
): Promise<string[]> {
  const written: string[] = [];
  if (outputs.save !== undefined) {
    saveClassifier(outputs.save, net, {
      featureNames: data.featureNames,
      labelNames: data.labelNames,
      metrics: { errors: report.errors, accuracy: report.accuracy, ...(report.test && { test: report.test }) },
      training,
    });
    written.push(`model: ${outputs.save}`);
  }
  if (outputs.exportTfjs !== undefined) {
    const { exportTfjsLayersModel } = await import('../model/tfjs-export');
    await exportTfjsLayersModel(outputs.exportTfjs, net.weights, net.bias);
    written.push(`tfjs LayersModel: ${outputs.exportTfjs}/model.json`);
  }
  if (outputs.plot !== undefined) {
    const { writePlot } = await import('../plot/render');
    const { trainingPlotSpec } = await import('../plot/training');
    await writePlot(outputs.plot, trainingPlotSpec(history, boundary(net, data)));
    written.push(`plot: ${outputs.plot}`);
  }
  return written;
}

/** The samples and the decision line, for data with 2 features and 1 output held in memory. */
function boundary(net: Classifier, data: Dataset) {
  const whole = data.source.inMemory;
  if (!whole || whole.x.rows !== 2 || whole.y.rows !== 1) return undefined;
  const [[w1], [w2]] = net.weights;
  return {
    x: toRows(whole.x),
    y: Array.from(whole.y.data),
    W: [w1, w2] as [number, number],
    b: net.bias,
    featureNames: [data.featureNames[0], data.featureNames[1]] as [string, string],
  };
}
