import '../io/quiet-deprecations.js';
import { runAction } from '../io/action.js';
import { planAction } from './action.js';

await runAction(planAction);
