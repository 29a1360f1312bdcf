import '../io/quiet-deprecations.js';
import { runAction } from '../io/action.js';
import { runShardAction } from './action.js';

await runAction(runShardAction);
