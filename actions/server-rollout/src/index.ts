import { runAction } from '@pipelines/action-kit/run';
import { run } from './main';

void runAction(run);
