import { InputError, option, shownList, type OptionName } from '../errors';

/**
 * Whether data has a saved model's columns, as a CSV header or a query names them: a column for
 * each of its features (in any order), its label columns all or none, and besides them only the
 * columns its training data ignored. Missing or extra columns, or some labels without the others,
 * are an {@link InputError} naming them (`where` names the data). Returns whether the labels are there.
 */
export function matchModelColumns(
  where: string,
  names: readonly string[],
  model: { readonly featureNames: readonly string[]; readonly labelNames: readonly string[]; readonly ignoredColumns?: readonly string[] },
): boolean {
  const { featureNames, labelNames } = model;
  const known = [...featureNames, ...labelNames, ...(model.ignoredColumns ?? [])];
  const missing = featureNames.filter((name) => !names.includes(name));
  const extra = names.filter((name) => !known.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [...(missing.length > 0 ? [`missing ${quoteAll(missing)}`] : []), ...(extra.length > 0 ? [`extra ${quoteAll(extra)}`] : [])];
    throw new InputError(`${where}: the columns do not match the model's features (${shownList(featureNames)}): ${parts.join('; ')}`);
  }
  const present = labelNames.filter((name) => names.includes(name));
  if (present.length > 0 && present.length < labelNames.length) {
    const absent = labelNames.filter((name) => !names.includes(name));
    throw new InputError(
      `${where}: has the label column${present.length > 1 ? 's' : ''} ${quoteAll(present)} but not ${quoteAll(absent)}; give all of the model's labels (to score the predictions) or none`,
    );
  }
  return present.length > 0;
}

const quoteAll = (names: readonly string[]) => shownList(names, { quoted: true });

/**
 * The end of a message about a label that is not 0 or 1: in training, how to read other values (name
 * the one that means 1); for the data of a saved model, whose labels are read as it was trained.
 */
export function otherLabelsHint(forModel: boolean): (string | OptionName)[] {
  return forModel ? ['; the model was trained on labels 0 and 1'] : ['; to read other values, name the one that means 1 with ', option('positive')];
}
