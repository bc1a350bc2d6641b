import { runAction } from '@pipelines/shared/src/run';
import { run } from './main';

void runAction(run);
