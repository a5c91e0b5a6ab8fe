import { runScript } from '../src/cli/run';
import { train } from '../src/cli/train';

runScript(train);
