import { predict } from '../src/cli/predict';
import { runScript } from '../src/cli/run';

runScript(predict);
