import '../io/quiet-deprecations.js';
import { runAction } from '../io/action.js';
import { mergeAction } from './action.js';

await runAction(mergeAction);
