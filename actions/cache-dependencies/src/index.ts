import { runAction } from '@pipelines/action-kit';
import { isPostStep, post, run } from './main';

// One bundle serves both steps (action.yml's main and post both point at dist/index.js), so the
// lazily loaded SDK chunks exist once in dist/.
void runAction(isPostStep() ? post : run);
