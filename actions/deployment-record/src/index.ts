import { runAction } from '@pipelines/action-kit';
import { run } from './main';

void runAction(run);
